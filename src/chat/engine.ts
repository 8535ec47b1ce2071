import type { Answerer } from '../answer/types.js';
import { sourceLabel } from '../present/citation.js';
import { answerReply, SHOW } from './answerView.js';
import type { IndexedDocument, StoredPassage } from '../index/store.js';
import * as T from './texts.js';
import type { TopicStore } from './topics.js';
import { ChecklistDialogue, CL } from '../checklist/dialogue.js';
import { LEARN, type Asked, type LearnDialogue } from '../learn/dialogue.js';
import type { ChecklistReport } from '../checklist/report.js';
import { ChatInputSchema, type ChatInput, type CorpusSync, type Reply, type ReplyDocument } from './types.js';
import { immediateSessions, type UserSession, type UserSessions } from '../state/session.js';

/** What the engine reads from the current index. */
export interface KnowledgeBase {
  answerer: Answerer;
  documents(): IndexedDocument[];
  passage(id: number): StoredPassage | undefined;
  /** The first passage under a heading containing this text (the tour quotes sections). */
  section(heading: string): StoredPassage | undefined;
}

/** The checklist part of the dialogue, when the engine has one. */
export interface ChecklistPart {
  dialogue: ChecklistDialogue;
  /** The finished report as a file, for the 生成报告文件 button. */
  reportFile: (report: ChecklistReport) => Promise<ReplyDocument>;
}

/**
 * A user's place in line, taken when their update arrives (before any network
 * call) and used once: `run` handles a dialogue input and delivers its replies,
 * `exclusive` runs other work (an adapter saving an upload), `release` gives the
 * place up when the update is dropped. Later turns of the same user wait.
 */
export interface Turn {
  /** Handles the input (produced when it is this turn's go, e.g. after a download) and delivers the replies, in order. */
  run(input: ChatInput | (() => Promise<ChatInput>), deliver: (replies: Reply[]) => Promise<void>): Promise<void>;
  exclusive<T>(work: () => Promise<T>): Promise<T>;
  /** Frees the place if it was not used; harmless after use. */
  release(): void;
}

/**
 * The dialogue, free of any transport: (user, input) → replies. The terminal
 * chat and the Telegram bot both call it and only translate its replies.
 * `knowledge` is asked anew for every input, so a re-index is picked up
 * between two messages.
 */
export class ChatEngine {
  /** Per-user chains: one user's turns run in the order they were taken, different users concurrently. */
  private readonly queues = new Map<string, Promise<void>>();

  /** Users already told about `progressNotice`. */
  private readonly told = new Set<string>();

  /**
   * `progressNotice`: something users must hear before they rely on saved
   * progress (the state file was restored from a backup); said once per user,
   * with the first reply that concerns progress.
   */
  constructor(
    private readonly knowledge: () => KnowledgeBase,
    private readonly checklist?: ChecklistPart,
    private readonly learn?: LearnDialogue,
    private readonly progressNotice?: string,
    private readonly topics?: TopicStore,
    private readonly sessions: UserSessions = immediateSessions,
  ) {}

  private corpusSync: (() => CorpusSync) | undefined;

  /** The shared corpus's state, for /sources; set once the transport has started following it (after the engine is built). */
  setCorpusSync(provider: () => CorpusSync): void {
    this.corpusSync = provider;
  }

  private withNotice(userId: string, input: ChatInput, replies: Reply[]): Reply[] {
    if (!this.progressNotice || this.told.has(userId) || !concernsProgress(input)) return replies;
    this.told.add(userId);
    return [{ text: this.progressNotice }, ...replies];
  }

  /** Reserves the user's next place synchronously: call it as the update arrives. */
  takeTurn(userId: string): Turn {
    const previous = this.queues.get(userId) ?? Promise.resolve();
    let finish!: () => void;
    const finished = new Promise<void>((resolve) => (finish = resolve));
    const tail = previous.then(() => finished);
    this.queues.set(userId, tail);
    void tail.then(() => {
      if (this.queues.get(userId) === tail) this.queues.delete(userId);
    });
    let used = false;
    const claim = () => {
      if (used) throw new Error('a turn is used once');
      used = true;
    };
    // The user's state is open (with PostgreSQL: their lock held across instances) from the turn's go to its last reply.
    const inSession = async <T>(work: (session: UserSession) => Promise<T>): Promise<T> => {
      claim();
      try {
        await previous;
        return await this.sessions.open(userId, work);
      } finally {
        finish();
      }
    };
    return {
      exclusive: (work) => inSession(() => work()),
      run: (input, deliver) =>
        inSession(async (session) => {
          const raw = typeof input === 'function' ? await input() : input;
          const parsed = ChatInputSchema.parse(raw);
          const replies = this.withNotice(userId, parsed, await this.handleNow(userId, parsed));
          // Saved before anything is said: a reply never announces progress that was not stored.
          await session.commit();
          await deliver(replies);
        }),
      release: () => {
        if (used) return;
        used = true;
        finish();
      },
    };
  }

  /** Handles one input in the user's order and returns the replies (the terminal and tests). */
  async handle(userId: string, input: ChatInput): Promise<Reply[]> {
    let replies: Reply[] = [];
    await this.takeTurn(userId).run(input, async (r) => {
      replies = r;
    });
    return replies;
  }

  private async handleNow(userId: string, input: ChatInput): Promise<Reply[]> {
    const kb = this.knowledge();
    if (input.kind === 'action') return this.act(kb, userId, input.action);
    if (input.kind === 'file') {
      return (await this.checklist?.dialogue.onFile(userId, input.fileName, input.bytes)) ?? [{ text: T.FILE_WITHOUT_CHECKLIST }];
    }
    const text = input.text.trim();
    if (!text) return [{ text: T.EMPTY_QUESTION }];
    if (text.startsWith('/')) return this.command(kb, userId, text);
    if (this.learn?.awaitsQuestion(userId)) return this.learn.onQuestion(userId, text, (q) => this.ask(kb, q, userId));
    const dialogue = this.checklist?.dialogue;
    if (dialogue?.awaitsAnswer(userId)) {
      const replies = dialogue.onText(userId, text);
      if (replies) return replies;
    }
    // Digits or punctuation alone ("3", "？？") are not a question: search would still find something.
    if (!/[\p{L}]/u.test(text)) return [{ text: T.NOT_A_QUESTION }];
    if (T.GREETING.test(text)) return this.command(kb, userId, '/start');
    if (T.THANKS.test(text)) return [{ text: T.YOU_ARE_WELCOME }];
    if ([...text].length > T.MAX_QUESTION_CHARS) return [{ text: T.TOO_LONG }];
    const answer = (await this.ask(kb, text, userId)).reply;
    return [answer, ...(dialogue?.reminder(userId) ?? [])];
  }

  private command(kb: KnowledgeBase, userId: string, text: string): Reply[] {
    const name = text.split(/\s+/u)[0]!.toLowerCase().replace(/@.*$/u, '');
    const dialogue = this.checklist?.dialogue;
    switch (name) {
      case '/learn':
        return this.learn ? this.learn.start(userId, (h) => kb.section(h)) : [{ text: T.UNKNOWN_COMMAND }];
      case '/checklist':
        return dialogue ? dialogue.start(userId) : [{ text: T.UNKNOWN_COMMAND }];
      case '/report':
        return dialogue ? dialogue.report(userId) : [{ text: T.UNKNOWN_COMMAND }];
      case '/reset':
        return dialogue ? dialogue.reset(userId) : [{ text: T.UNKNOWN_COMMAND }];
      case '/start':
        return [
          {
            text: T.WELCOME,
            buttons: [
              ...T.EXAMPLE_QUESTIONS.map((q, i) => [{ label: q, action: `ask:${i}` }]),
              ...(this.learn ? [[{ label: '了解评估（新手入门）', action: LEARN.start }]] : []),
            ],
          },
          // Whatever the user left unfinished is offered here, not only on its own command.
          ...[dialogue?.offer(userId), this.learn?.offer(userId)].filter((r): r is Reply => !!r),
        ];
      case '/help':
        return [{ text: T.HELP }];
      case '/sources': {
        const listed = sourcesText(kb.documents());
        const sync = this.corpusSync?.();
        return [{ text: sync?.catchingUp ? `${T.corpusCatchingUp(sync.indexedVersion, sync.databaseVersion)}\n\n${listed}` : listed }];
      }
      default:
        return [{ text: T.UNKNOWN_COMMAND }];
    }
  }

  private async act(kb: KnowledgeBase, userId: string, action: string): Promise<Reply[]> {
    if (action === LEARN.checklist) return this.checklist ? this.checklist.dialogue.start(userId) : [{ text: T.UNKNOWN_COMMAND }];
    if (action.startsWith('learn:') && this.learn) return this.learn.onAction(userId, action, (h) => kb.section(h));
    if (action.startsWith('cl:') && this.checklist) {
      if (action === CL.reportFile || action.startsWith(`${CL.reportFile}:`)) {
        const report = this.checklist.dialogue.finishedReport(userId, ChecklistDialogue.reportFileId(action));
        if (!report) return this.checklist.dialogue.report(userId);
        return [{ text: '报告文件已生成。', document: await this.checklist.reportFile(report) }];
      }
      return this.checklist.dialogue.onAction(userId, action);
    }
    if (action.startsWith(SHOW)) {
      const passage = kb.passage(Number(action.slice(SHOW.length)));
      return [{ text: passage ? passageText(passage) : T.PASSAGE_GONE }];
    }
    if (action.startsWith('ask:')) {
      const question = T.EXAMPLE_QUESTIONS[Number(action.slice(4))];
      if (question) return [(await this.ask(kb, question, userId)).reply];
    }
    return [{ text: T.UNKNOWN_COMMAND }];
  }

  /** Answers with the user's last topic for a follow-up (那初中呢？), and keeps the new one; another question starts fresh. */
  private async ask(kb: KnowledgeBase, question: string, userId: string): Promise<Asked> {
    const previous = this.topics?.get(userId);
    const answer = await kb.answerer.answer(question, previous);
    if (answer.topic) this.topics?.save(userId, answer.topic);
    else if (previous) this.topics?.delete(userId);
    return { reply: answerReply(answer), status: answer.status };
  }
}

/** Inputs whose reply shows or changes saved progress (checklist, tour, welcome). */
function concernsProgress(input: ChatInput): boolean {
  if (input.kind === 'file') return true;
  if (input.kind === 'action') return /^(cl|learn):/u.test(input.action);
  return /^\/(start|checklist|report|learn|reset)\b/iu.test(input.text.trim());
}

export function sourcesText(docs: readonly IndexedDocument[]): string {
  if (docs.length === 0) return T.NO_DOCUMENTS;
  const total = docs.reduce((n, d) => n + d.passageCount, 0);
  return [
    `已收录 ${docs.length} 个文件，共 ${total} 段：`,
    ...docs.map((d, i) => `${i + 1}. 《${d.shortTitle}》（${d.source}，${d.passageCount} 段${d.pageCount ? `，${d.pageCount} 页` : ''}）`),
  ].join('\n');
}

/** The full cited passage, for "查看原文", under the same short title the answer cited it by. */
export function passageText(p: StoredPassage): string {
  return `${sourceLabel({ ...p, title: p.shortTitle })}\n\n${p.text}`;
}

