import { formatCitation, sectionLabel, sectionWithinDocument } from '../answer/citation.js';
import type { Answerer } from '../answer/types.js';
import type { IndexedDocument, StoredPassage } from '../index/store.js';
import * as T from './texts.js';
import { ChatInputSchema, type Button, type ChatInput, type Reply } from './types.js';

/** What the engine reads from the current index. */
export interface KnowledgeBase {
  answerer: Answerer;
  documents(): IndexedDocument[];
  passage(id: number): StoredPassage | undefined;
}

const SHOW = 'show:';

/**
 * The dialogue, free of any transport: (user, input) → replies. The terminal
 * chat and the Telegram bot both call it and only translate its replies.
 * `knowledge` is asked anew for every input, so a re-index is picked up
 * between two messages.
 */
export class ChatEngine {
  constructor(private readonly knowledge: () => KnowledgeBase) {}

  async handle(_userId: string, raw: ChatInput): Promise<Reply[]> {
    const input = ChatInputSchema.parse(raw);
    const kb = this.knowledge();
    if (input.kind === 'action') return this.act(kb, input.action);
    const text = input.text.trim();
    if (!text) return [{ text: T.EMPTY_QUESTION }];
    if (text.startsWith('/')) return this.command(kb, text);
    // Digits or punctuation alone ("3", "？？") are not a question: search would still find something.
    if (!/[\p{L}]/u.test(text)) return [{ text: T.NOT_A_QUESTION }];
    if ([...text].length > T.MAX_QUESTION_CHARS) return [{ text: T.TOO_LONG }];
    return [await this.ask(kb, text)];
  }

  private command(kb: KnowledgeBase, text: string): Reply[] {
    const name = text.split(/\s+/u)[0]!.toLowerCase().replace(/@.*$/u, '');
    switch (name) {
      case '/start':
        return [{ text: T.WELCOME, buttons: T.EXAMPLE_QUESTIONS.map((q, i) => [{ label: q, action: `ask:${i}` }]) }];
      case '/help':
        return [{ text: T.HELP }];
      case '/sources':
        return [{ text: sourcesText(kb.documents()) }];
      default:
        return [{ text: T.UNKNOWN_COMMAND }];
    }
  }

  private async act(kb: KnowledgeBase, action: string): Promise<Reply[]> {
    if (action.startsWith(SHOW)) {
      const passage = kb.passage(Number(action.slice(SHOW.length)));
      return [{ text: passage ? passageText(passage) : T.PASSAGE_GONE }];
    }
    if (action.startsWith('ask:')) {
      const question = T.EXAMPLE_QUESTIONS[Number(action.slice(4))];
      if (question) return [await this.ask(kb, question)];
    }
    return [{ text: T.UNKNOWN_COMMAND }];
  }

  private async ask(kb: KnowledgeBase, question: string): Promise<Reply> {
    const answer = await kb.answerer.answer(question);
    const buttons: Button[][] = answer.refused
      ? answer.suggestions.map((s) => [
          { label: `看看：${sectionLabel(sectionWithinDocument(s.title, s.sectionPath)) || s.title}`.slice(0, 40), action: `${SHOW}${s.passageId}` },
        ])
      : [answer.citations.map((c, i) => ({ label: `查看原文 [${i + 1}]`, action: `${SHOW}${c.passageId}` }))];
    return { text: answer.text, buttons: buttons.length > 0 && buttons[0]!.length > 0 ? buttons : undefined };
  }
}

export function sourcesText(docs: readonly IndexedDocument[]): string {
  if (docs.length === 0) return T.NO_DOCUMENTS;
  const total = docs.reduce((n, d) => n + d.passageCount, 0);
  return [
    `已收录 ${docs.length} 个文件，共 ${total} 段：`,
    ...docs.map((d, i) => `${i + 1}. 《${d.title}》（${d.source}，${d.passageCount} 段${d.pageCount ? `，${d.pageCount} 页` : ''}）`),
  ].join('\n');
}

/** The full cited passage, for "查看原文". */
export function passageText(p: StoredPassage): string {
  const where = formatCitation(0, p).replace(/^\[0\] /u, '');
  return `${where}\n\n${p.text}`;
}

