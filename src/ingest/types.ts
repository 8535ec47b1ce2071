/** Supported document formats (after sniffing the content, not just the extension). */
export type DocumentFormat = 'pdf' | 'docx' | 'txt' | 'md';

/**
 * One structural unit as a loader sees it.
 * - `heading`: explicit heading markup (DOCX heading style, Markdown `#`), `level` 1..6.
 * - `paragraph`: a complete paragraph (DOCX paragraph, Markdown paragraph).
 * - `line`: a physical line that may be a wrapped continuation of the previous one
 *   (PDF text lines, plain-text lines); the cleaner decides what to join.
 * - `table-row`: one table row rendered readably ("指标：…；小学：4.2；初中：5.3").
 */
export interface Block {
  kind: 'heading' | 'paragraph' | 'line' | 'table-row';
  text: string;
  level?: number;
  /** 1-based page number (PDF only). */
  page?: number;
  /** Last page, when a cleaned paragraph continues across a page break (PDF only). */
  pageEnd?: number;
}

/** What a loader returns: raw, uncleaned blocks in reading order. */
export interface LoadedDocument {
  format: DocumentFormat;
  /** Title guess from metadata or the first heading; the file name is the fallback. */
  title?: string;
  blocks: Block[];
  /** Number of pages (PDF). */
  pageCount?: number;
  /** Non-fatal notes for the log (e.g. "decoded as GB18030"). */
  warnings: string[];
}

/** A cleaned document, ready to split. Blocks are `heading`, `paragraph` or `table-row` only. */
export interface CleanDocument {
  format: DocumentFormat;
  title: string;
  blocks: Block[];
  pageCount?: number;
}

/** A retrievable unit of text with everything a citation needs. */
export interface Passage {
  /** 0-based order within the document. */
  ordinal: number;
  text: string;
  /** Heading path from the document root, e.g. ['第三篇…', '二、具体目标', '（四）优化教师队伍建设']. */
  sectionPath: string[];
  /** First and last page the passage spans (PDF only). */
  page?: number;
  pageEnd?: number;
  /** Offsets into the cleaned document text (blocks joined by '\n'). */
  charStart: number;
  charEnd: number;
}

/** Loads one file's bytes into blocks; throws FileRejectedError with a Chinese reason. */
export interface Loader {
  readonly format: DocumentFormat;
  load(bytes: Buffer, fileName: string): Promise<LoadedDocument>;
}
