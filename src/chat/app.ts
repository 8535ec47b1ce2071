import path from 'node:path';
import { assessCounty, countyReportText } from '../checklist/county.js';
import { IndicatorAnswers } from '../checklist/answerer.js';
import { loadEvaluations } from '../checklist/evaluations.js';
import { GroundedWriter, OpenAIChatModel } from '../answer/llm.js';
import { rerankerFromConfig } from '../answer/rerankRemote.js';
import { loadLexicon } from '../answer/lexicon.js';
import { NumberWords } from '../answer/numberTokens.js';
import { loadIndicatorNames } from '../checklist/indicatorNames.js';
import { ChecklistDialogue, SCHOOL_CHECKLIST, type CountyAssessor } from '../checklist/dialogue.js';
import { checklistById, loadChecklists } from '../checklist/load.js';
import { loadPlausibleRanges } from '../checklist/plausible.js';
import { reportWorkbook } from '../checklist/reportFile.js';
import { ChecklistRunStore } from '../checklist/run.js';
import { readSchoolTable } from '../checklist/spreadsheet.js';
import type { Checklist } from '../checklist/types.js';
import type { Config } from '../config.js';
import { JunhengError } from '../errors.js';
import type { IdentifiedEmbeddings } from '../index/embedder.js';
import { LearnDialogue, TourStore } from '../learn/dialogue.js';
import type { Logger } from '../logger.js';
import { stateNoticeText, type StateRecovery } from '../state/db.js';
import type { UpdateLedger } from '../state/ledger.js';
import { openSqliteState, type AppState } from '../state/open.js';
import { ChatEngine } from './engine.js';
import { LiveKnowledge, type AnswerServices } from './knowledge.js';
import { TopicStore } from './topics.js';
import type { Reply } from './types.js';

/** A county spreadsheet in, the county report out; a bad file gets its Chinese reason. */
export function countyAssessor(checklists: readonly Checklist[]): CountyAssessor {
  const checklist = checklistById(checklists, SCHOOL_CHECKLIST);
  return async (bytes: Buffer, fileName: string): Promise<Reply[]> => {
    try {
      const assessment = assessCounty(await readSchoolTable(bytes, fileName), checklist);
      return [{ text: countyReportText(assessment, checklist) }];
    } catch (e) {
      if (e instanceof JunhengError) return [{ text: `${e.userMessage}\n请改好后重新发送。` }];
      throw e;
    }
  };
}

export interface App {
  engine: ChatEngine;
  /**
   * Set when the user-state file was damaged or unusable at start (restored
   * from a backup, started fresh, or kept in memory); `stateNoticeText`
   * renders what users should be told.
   */
  stateNotice: StateRecovery | undefined;
  /** Telegram updates from arrival until handled, in the same state database. */
  ledger: UpdateLedger;
  /** The user-state store (its pool, with PostgreSQL, serves the shared corpus too). */
  state: AppState;
  /** Closes the index and the state store; the SQLite part closes at once, PostgreSQL's pool when the promise settles. */
  close(): Promise<void>;
}

/** The rerank and LLM services the configuration names (none by default: the local pipeline alone). */
export function answerServices(config: Config, log?: Logger): AnswerServices {
  const writer = config.llm ? new GroundedWriter(new OpenAIChatModel(config.llm), config.llm.timeoutMs, new NumberWords(loadLexicon().numeralIdioms), log) : null;
  return { reranker: rerankerFromConfig(config, log), writer };
}

/**
 * Everything a transport needs, built once: the live knowledge base, the
 * checklist definitions, the user-state database and the engine over them.
 * The terminal chat and the Telegram bot both start from here. A damaged or
 * unusable state file never stops it: questions need no user state.
 */
export function createApp(config: Config, embedder: IdentifiedEmbeddings, log?: Logger, opened?: AppState): App {
  const checklists = loadChecklists(config.checklistDir);
  const names = loadIndicatorNames(config.checklistDir, checklists);
  const knowledge = new LiveKnowledge(config.indexDir, embedder, names ? new IndicatorAnswers(checklists, names, loadEvaluations(config.checklistDir, checklists)) : null, answerServices(config, log));
  const state = opened ?? openSqliteState(config, log);
  const db = state.tables;
  // An old .env may still say STATE_DB=index/state.db.
  if (state.kind === 'sqlite' && !path.relative(config.indexDir, config.stateDb).startsWith('..')) {
    log?.warn({ stateDb: config.stateDb, indexDir: config.indexDir }, 'STATE_DB is inside INDEX_DIR: deleting the index would delete user state');
  }
  const ranges = loadPlausibleRanges(config.checklistDir, checklists);
  const dialogue = new ChecklistDialogue(checklists, new ChecklistRunStore(db), countyAssessor(checklists), ranges);
  const learn = new LearnDialogue(() => checklists, new TourStore(db));
  const notice = state.recovered ? stateNoticeText(state.recovered) : undefined;
  const engine = new ChatEngine(() => knowledge.get(), { dialogue, reportFile: (r) => reportWorkbook(r) }, learn, notice, new TopicStore(db), state.sessions);
  return {
    engine,
    stateNotice: state.recovered,
    ledger: state.ledger,
    state,
    close: () => {
      knowledge.close();
      return state.close();
    },
  };
}
