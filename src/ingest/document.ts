import { FileRejectedError } from '../errors.js';
import { cleanDocument } from './clean/index.js';
import type { IngestLimits } from './limits.js';
import { loadFile } from './loaders/index.js';
import { MESSAGES } from './rejection.js';
import { splitDocument } from './split.js';
import type { DocumentFormat, Passage } from './types.js';

/** What one file brings into the index before embedding. */
export interface DocumentContent {
  title: string;
  /** The title the document's own text gives it (CleanDocument.ownTitle). */
  ownTitle?: string;
  format: DocumentFormat;
  pageCount?: number;
  passages: Passage[];
  warnings: string[];
}

/**
 * Load → clean → split of one file's bytes, within the text and passage caps.
 * Throws FileRejectedError for files that cannot be indexed.
 * Runs inside the loader worker (loaderPool.ts), where its memory is bounded.
 */
export async function readDocumentContent(
  bytes: Buffer,
  fileName: string,
  limits: Pick<IngestLimits, 'maxTextChars' | 'maxPassages'>,
): Promise<DocumentContent> {
  const loaded = await loadFile(bytes, fileName);
  let chars = 0;
  for (const b of loaded.blocks) chars += b.text.length;
  if (chars > limits.maxTextChars) {
    // Checked before cleaning and splitting, which cost several times the text in memory.
    throw new FileRejectedError('too-much-text', MESSAGES.tooMuchText(chars, limits.maxTextChars), `${fileName}: ${chars} characters of text (cap ${limits.maxTextChars})`);
  }
  const clean = cleanDocument(loaded, fileName);
  const passages = splitDocument(clean);
  if (passages.length === 0) {
    throw new FileRejectedError('no-text', '文件里没有可提取的文字', `${fileName}: no passages after cleaning`);
  }
  if (passages.length > limits.maxPassages) {
    throw new FileRejectedError('too-much-text', MESSAGES.tooManyPassages(passages.length, limits.maxPassages), `${fileName}: ${passages.length} passages (cap ${limits.maxPassages})`);
  }
  const content: DocumentContent = { title: clean.title, format: clean.format, passages, warnings: loaded.warnings };
  if (clean.pageCount !== undefined) content.pageCount = clean.pageCount;
  if (clean.ownTitle !== undefined) content.ownTitle = clean.ownTitle;
  return content;
}
