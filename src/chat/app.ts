import type Database from 'better-sqlite3';
import { assessCounty, countyReportText } from '../checklist/county.js';
import { ChecklistDialogue, SCHOOL_CHECKLIST, type CountyAssessor } from '../checklist/dialogue.js';
import { checklistById, loadChecklists } from '../checklist/load.js';
import { reportWorkbook } from '../checklist/reportFile.js';
import { ChecklistRunStore } from '../checklist/run.js';
import { readSchoolTable } from '../checklist/spreadsheet.js';
import type { Checklist } from '../checklist/types.js';
import type { Config } from '../config.js';
import { JunhengError } from '../errors.js';
import type { IdentifiedEmbeddings } from '../index/embedder.js';
import { LearnDialogue, TourStore } from '../learn/dialogue.js';
import { openStateDb } from '../state/db.js';
import { ChatEngine } from './engine.js';
import { LiveKnowledge } from './knowledge.js';
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
  close(): void;
}

/**
 * Everything a transport needs, built once: the live knowledge base, the
 * checklist definitions, the user-state database and the engine over them.
 * The terminal chat and the Telegram bot both start from here.
 */
export function createApp(config: Config, embedder: IdentifiedEmbeddings): App {
  const knowledge = new LiveKnowledge(config.indexDir, embedder);
  const checklists = loadChecklists(config.checklistDir);
  const db: Database.Database = openStateDb(config.stateDb);
  const dialogue = new ChecklistDialogue(checklists, new ChecklistRunStore(db), countyAssessor(checklists));
  const learn = new LearnDialogue(() => checklists, new TourStore(db));
  const engine = new ChatEngine(() => knowledge.get(), { dialogue, reportFile: (r) => reportWorkbook(r) }, learn);
  return {
    engine,
    close: () => {
      knowledge.close();
      db.close();
    },
  };
}
