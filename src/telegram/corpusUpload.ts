import fs from 'node:fs';
import path from 'node:path';

/** Document types an admin may add to the corpus. */
export const CORPUS_EXTENSIONS = ['.pdf', '.docx', '.txt', '.md', '.markdown'];
/** Tables a county sends for its assessment. */
export const TABLE_EXTENSIONS = ['.csv', '.xlsx'];

export function extensionOf(fileName: string): string {
  return path.extname(fileName).toLowerCase();
}

/**
 * A file name safe to write into the corpus folder: no folders, no hidden
 * files, no characters file systems reject; Chinese names stay readable.
 */
export function safeFileName(fileName: string): string {
  const base = path.basename(fileName.replace(/\\/gu, '/'));
  const cleaned = base.replace(/[\u0000-\u001f<>:"/\\|?*]/gu, '_').replace(/^\.+/u, '').trim();
  return cleaned || `upload-${Date.now()}`;
}

/** Writes an uploaded document into the corpus (atomically: a half-written file is never indexed). */
export function saveToCorpus(corpusDir: string, fileName: string, bytes: Buffer): string {
  fs.mkdirSync(corpusDir, { recursive: true });
  const target = path.join(corpusDir, safeFileName(fileName));
  const tmp = path.join(corpusDir, `.${path.basename(target)}.${process.pid}.part`);
  fs.writeFileSync(tmp, bytes);
  fs.renameSync(tmp, target);
  return target;
}
