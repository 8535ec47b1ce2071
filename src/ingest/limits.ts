/**
 * Bounds on what one file may cost an ingest. Each cap is far above any real
 * policy document (the largest file in the shared seeds and fixtures holds
 * about 20 000 characters; a 17-page plan, 004-plan.docx, has 82 KB of
 * document XML) and below what the loader worker can hold, so a file within
 * the caps loads, and a file beyond them is one rejected file with a reason.
 */
export interface IngestLimits {
  /**
   * Characters of loaded text per file (checked before cleaning and splitting).
   * 20 M characters is ~10 000 pages of dense Chinese text. Measured: cleaning and
   * splitting 22 M characters peaks at ~400 MB of heap, within the loader's 768 MB.
   */
  maxTextChars: number;
  /**
   * Passages per file. 50 000 passages is half the 100 000-passage index the
   * answer benchmark is measured on; embedding them takes ~40 s here.
   */
  maxPassages: number;
  /** Old-generation heap of the loader worker, in MB (see DEFAULT_LIMITS). */
  loaderHeapMb: number;
  /** Wall-clock time one file may spend in the loader. */
  loaderTimeoutMs: number;
}

/** Caps on a zip container (DOCX, XLSX), read from its central directory before anything is inflated. */
export interface ZipLimits {
  /**
   * Declared uncompressed bytes of the XML parts (.xml, .rels) together. mammoth
   * builds a DOM of them: measured ~35 MB of heap per MB of dense document XML,
   * so 20 MB needs 512–768 MB and fits the loader worker. 20 MB is ~4 000 pages
   * at 004-plan.docx's density (82 KB for 17 pages).
   */
  maxXmlBytes: number;
  /**
   * Declared uncompressed bytes of all entries (pictures included). Pictures barely
   * compress, so a file under the 100 MB file limit holds well under 300 MB of them.
   */
  maxTotalBytes: number;
  /** Entries in the container; a real DOCX has 15–50, a few hundred with many pictures. */
  maxEntries: number;
}

export const DEFAULT_ZIP_LIMITS: ZipLimits = {
  maxXmlBytes: 20 * 1024 * 1024,
  maxTotalBytes: 300 * 1024 * 1024,
  maxEntries: 10_000,
};

export const DEFAULT_LIMITS: IngestLimits = {
  maxTextChars: 20_000_000,
  maxPassages: 50_000,
  /**
   * 768 MB: the heaviest loads the caps allow (a DOCX at the 20 MB XML cap, a TXT
   * at 20 M characters) were measured to run in 512–768 MB, and the bot (~500 MB)
   * plus one loader stays near 1.5 GB. Beyond it the worker dies, not the process.
   */
  loaderHeapMb: 768,
  /** 10 minutes: a file at the text cap takes under a minute here. */
  loaderTimeoutMs: 10 * 60 * 1000,
};

export function resolveLimits(partial: Partial<IngestLimits> | undefined): IngestLimits {
  return { ...DEFAULT_LIMITS, ...partial };
}
