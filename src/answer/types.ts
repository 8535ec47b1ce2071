/** Where a quoted passage comes from: enough for a reader to find it. */
export interface Citation {
  passageId: number;
  /** File path relative to the corpus folder. */
  source: string;
  title: string;
  sectionPath: string[];
  page: number | null;
  pageEnd: number | null;
  /** The full passage text the quote is taken from. */
  text: string;
}

/** A passage the documents offer on the question, whether or not it answers it. */
export interface Suggestion {
  passageId: number;
  title: string;
  sectionPath: string[];
  page: number | null;
}

export interface Answer {
  /** What the user reads: quotes with [n] markers and the numbered citation list, or a refusal. */
  text: string;
  citations: Citation[];
  /** True when the documents do not answer the question. */
  refused: boolean;
  /** On refusal: the closest sections, to look at instead. */
  suggestions: Suggestion[];
}

/** Anything that answers a question from the index: extractive now, an LLM later. */
export interface Answerer {
  answer(question: string): Promise<Answer>;
}
