import { FileRejectedError } from '../../errors.js';
import type { DocumentFormat, LoadedDocument, Loader } from '../types.js';
import { docxLoader } from './docx.js';
import { markdownLoader } from './markdown.js';
import { pdfLoader } from './pdf.js';
import { sniffFormat } from './sniff.js';
import { textLoader } from './text.js';

export { SUPPORTED_EXTENSIONS, sniffFormat, type SniffResult } from './sniff.js';
export { decodeText, type DecodedText } from './decode-text.js';
export { docxLoader, markdownLoader, pdfLoader, textLoader };

const LOADERS: Readonly<Record<DocumentFormat, Loader>> = {
  pdf: pdfLoader,
  docx: docxLoader,
  txt: textLoader,
  md: markdownLoader,
};

/**
 * Loads one file into raw blocks, choosing the loader from the content's magic bytes before
 * the extension. Throws FileRejectedError (with a Chinese reason) for files that cannot be indexed.
 * The size limit is the caller's job.
 */
export async function loadFile(bytes: Buffer, fileName: string): Promise<LoadedDocument> {
  const sniffed = sniffFormat(bytes, fileName);
  if (sniffed.kind === 'reject') {
    throw new FileRejectedError(sniffed.code, sniffed.userMessage, sniffed.technical);
  }
  const doc = await LOADERS[sniffed.format].load(bytes, fileName);
  // Safety net: no loader may hand on a document without a single visible character.
  if (!doc.blocks.some((b) => b.text.trim() !== '')) {
    throw new FileRejectedError('no-text', '文件里没有可提取的文字', `${fileName}: ${sniffed.format} loader produced no text`);
  }
  if (sniffed.warning) doc.warnings.unshift(sniffed.warning);
  return doc;
}
