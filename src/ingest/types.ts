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
  /** Non-fatal notes shown in the ingest log, in Chinese (e.g. "按 GB18030 编码读取"). */
  warnings: string[];
}

/** A cleaned document, ready to split. Blocks are `heading`, `paragraph` or `table-row` only. */
export interface CleanDocument {
  format: DocumentFormat;
  /** The title the document states, else its file name without the extension. */
  title: string;
  /**
   * The title the document's own text gives it (stated, its parts' names, or a
   * scrape site's caption); absent when only the file name names it.
   */
  ownTitle?: string;
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
