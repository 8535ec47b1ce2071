/** Where a quoted passage comes from: enough for a reader to find it. */
export interface Citation {
  passageId: number;
  /** File path relative to the corpus folder. */
  source: string;
  /** Short document title for citation lines (never a file name when the text has a title). */
  title: string;
  sectionPath: string[];
  page: number | null;
  pageEnd: number | null;
  /** The full passage text the quote is taken from. */
  text: string;
  /** 'document' for a policy document; 'restatement' for the project's own plain-language summary. */
  kind: DocumentKind;
}

export type DocumentKind = 'document' | 'restatement';

/** A passage the documents offer on the question, whether or not it answers it. */
export interface Suggestion {
  passageId: number;
  title: string;
  sectionPath: string[];
  page: number | null;
}

/** One quoted excerpt, verbatim from the passage of `citations[citation]`. */
export interface Quote {
  text: string;
  /** Index into Answer.citations. */
  citation: number;
}

/**
 * answered: the quotes state what was asked.
 * partial: the documents speak of the topic but do not state the asked fact (a figure in the asked unit, a year).
 * not_found: nothing in the documents answers.
 */
export type AnswerStatus = 'answered' | 'partial' | 'not_found';

/** Why the answer has its status, as data; src/chat turns it into Chinese. */
export type AnswerReason =
  | { code: 'answered' }
  /** The question has no topic word to search for (有什么要求？). */
  | { code: 'no_topic' }
  /** No passage speaks of anything the question names: outside what the documents cover. */
  | { code: 'off_topic' }
  /** No passage clears the answerability bar. */
  | { code: 'no_match' }
  /** The question names a place, school or document no passage speaks of. */
  | { code: 'scope_missing'; missing: string[] }
  /** The passages are on topic but do not state the asked kind of fact. */
  | { code: 'fact_missing'; asked: AskedFact };

/** The kind of fact a question asks for, in words a user reads ("生均"的数字, 年份 …). */
export interface AskedFact {
  kind: string;
  /** What the user is told is missing, e.g. 生均 或 年份. */
  label: string;
}

/** A statement from structured, sourced data (the checklist's standards), not quoted from a passage. */
export interface Fact {
  text: string;
  /** The rule it comes from, as a citation shows it: 《…》（文号）条款; null when it is the data's own arithmetic. */
  source: string | null;
  /** The data marks the item or figure as not verified against the original. */
  unverified: boolean;
  /** Why the data marks it unverified, in its own words (10%这个数字只见于地方文件…), shown with the rule. */
  unverifiedWhy?: string;
  /** The data says there is no standard for what was asked (基本均衡's items have no value of their own). */
  noStandard?: boolean;
}

/**
 * What an answer was about, kept per user so that a follow-up (那初中呢？,
 * 如果是1500人呢？) builds on it. Plain data: it is stored between messages.
 */
export interface Topic {
  kind: 'indicator';
  /** checklist id / indicator id of each indicator the answer was about. */
  indicators: string[];
  stages: ('primary' | 'junior')[];
  stageNamed: boolean;
  figures: { value: number; unit: string | null; kind: 'students' | 'classes' | null }[];
  /** The answer was about the 差异系数 rule of these evaluations (优均的差异系数 → 那基本均衡呢). */
  balance?: { programs: string[] };
}

export interface Answer {
  question: string;
  status: AnswerStatus;
  quotes: Quote[];
  citations: Citation[];
  reason: AnswerReason;
  /** On not_found / partial: the closest sections, to look at instead. */
  suggestions: Suggestion[];
  /** Statements from the checklist data (with their sources), before any quotes. */
  facts?: Fact[];
  /** What the answer was about, for a follow-up question; absent when a new question should start fresh. */
  topic?: Topic;
  /** Typed words read as the documents' words (差异系树 → 差异系数), so the user sees what was looked up. */
  understood?: { from: string; to: string }[];
  /**
   * Sentences an LLM wrote from this answer's passages and facts, each citing
   * them by mark (1…n: citations, n+1…: facts) — present only once verified.
   */
  written?: WrittenAnswer;
}

export interface WrittenAnswer {
  sentences: { text: string; marks: number[] }[];
  /** The model's id, for the log and the eval. */
  model: string;
}

/** Anything that answers a question from the index: extractive now, an LLM later. */
export interface Answerer {
  /** `topic`: what the user's previous answer was about, for a follow-up question. */
  answer(question: string, topic?: Topic): Promise<Answer>;
}
