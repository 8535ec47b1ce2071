import fs from 'node:fs';
import path from 'node:path';
import { JunhengError } from '../errors.js';

/**
 * Writing documents into the corpus folder safely (admin uploads, the shared
 * corpus of several instances): safe names, replaced versions kept.
 */

/** Document types an admin may add to the corpus. */
export const CORPUS_EXTENSIONS = ['.pdf', '.docx', '.txt', '.md', '.markdown'];

/**
 * Where replaced versions are kept, inside the corpus folder: the ingest
 * scanner skips names starting with '.', so old versions are never indexed.
 */
export const HISTORY_DIR = '.history';

/** Longest saved name in characters (the extension included). */
export const MAX_NAME_CHARS = 120;
/**
 * Longest saved name in UTF-8 bytes. File systems allow 255 bytes per name
 * (ext4, APFS, NTFS in UTF-16 units), and 120 Chinese characters are 360
 * bytes; the history copy adds `.YYYYMMDD-HHMMSS-N` and the temporary file
 * `.` + `.<pid>.part`, so 200 leaves room for both.
 */
export const MAX_NAME_BYTES = 200;
/** A longer "extension" is part of the name (a dot in a title), not a file type. */
const MAX_EXTENSION_CHARS = 10;

/** Names Windows reserves whatever the extension: the corpus may be copied to or shared from a Windows machine. */
const RESERVED = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])$/iu;
/** Control characters, characters file systems reject, and bidi controls that could disguise an extension. */
const UNSAFE_CHARS = /[\u0000-\u001f\u007f<>:"/\\|?*\u200e\u200f\u202a-\u202e\u2066-\u2069]/gu;

export function extensionOf(fileName: string): string {
  return path.extname(fileName).toLowerCase();
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/** `YYYYMMDD-HHMMSS` in the server's local time (what an admin sees listing the folder). */
export function versionStamp(now: Date): string {
  return `${now.getFullYear()}${pad(now.getMonth() + 1)}${pad(now.getDate())}-${pad(now.getHours())}${pad(now.getMinutes())}${pad(now.getSeconds())}`;
}

/** Cuts `text` to at most `chars` characters and `bytes` UTF-8 bytes, never inside a character. */
function cut(text: string, chars: number, bytes: number): string {
  let out = '';
  let n = 0;
  let size = 0;
  for (const ch of text) {
    const b = Buffer.byteLength(ch, 'utf8');
    if (n + 1 > chars || size + b > bytes) break;
    out += ch;
    n += 1;
    size += b;
  }
  return out;
}

/**
 * A file name safe to write into the corpus folder: no folders, no hidden
 * files, no characters file systems reject, no reserved names ('.', '..',
 * CON, NUL …), at most MAX_NAME_CHARS characters and MAX_NAME_BYTES bytes
 * with the extension kept; Chinese names stay readable. A safe name comes
 * back unchanged.
 */
export function safeFileName(fileName: string, now = new Date()): string {
  const base = path.basename(fileName.normalize('NFC').replace(/\\/gu, '/'));
  const cleaned = base.replace(UNSAFE_CHARS, '_').trim().replace(/[. ]+$/u, '');
  let ext = path.extname(cleaned);
  if (ext === '.' || [...ext].length > MAX_EXTENSION_CHARS) ext = '';
  let stem = cleaned.slice(0, cleaned.length - ext.length).replace(/^[.\s]+/u, '').trim();
  if (!stem) stem = `upload-${versionStamp(now)}`;
  if (RESERVED.test(stem.split('.')[0]!.trim())) stem = `_${stem}`;
  const extChars = [...ext].length;
  const extBytes = Buffer.byteLength(ext, 'utf8');
  stem = cut(stem, MAX_NAME_CHARS - extChars, MAX_NAME_BYTES - extBytes).replace(/[. ]+$/u, '') || 'upload';
  return `${stem}${ext}`;
}

/** What an upload did to the corpus. */
export interface SaveResult {
  /** The name the document has in the corpus (sanitised). */
  savedName: string;
  savedPath: string;
  /** The name as sent, when it could not be used as it was. */
  renamedFrom?: string;
  /** A different file of the same name was there: it was moved into the history folder. */
  replaced?: { previousVersionPath: string };
  /** The same bytes were already there: nothing was written. */
  identical?: boolean;
}

/** An old version kept in the history folder. */
export interface KeptVersion {
  fileName: string;
  path: string;
  /** When it was replaced (from its name, local time). */
  replacedAt: Date;
  bytes: number;
}

function isNotFound(e: unknown): boolean {
  return (e as NodeJS.ErrnoException).code === 'ENOENT';
}

function splitName(name: string): { stem: string; ext: string } {
  const ext = path.extname(name);
  return { stem: name.slice(0, name.length - ext.length), ext };
}

/**
 * Keeps the file at `current` as `.history/<stem>.<YYYYMMDD-HHMMSS>[-N]<ext>`
 * (a hard link: same bytes and times, nothing copied; a copy where links are
 * not possible). The current file stays in place until the caller replaces it.
 */
function keepVersion(corpusDir: string, savedName: string, current: string, now: Date): string {
  const historyDir = path.join(corpusDir, HISTORY_DIR);
  fs.mkdirSync(historyDir, { recursive: true });
  const { stem, ext } = splitName(savedName);
  const stamp = versionStamp(now);
  for (let n = 1; ; n++) {
    const target = path.join(historyDir, `${stem}.${stamp}${n === 1 ? '' : `-${n}`}${ext}`);
    try {
      fs.linkSync(current, target);
      return target;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') continue;
      if (code !== 'EPERM' && code !== 'EXDEV' && code !== 'ENOTSUP' && code !== 'EMLINK') throw e;
    }
    try {
      fs.copyFileSync(current, target, fs.constants.COPYFILE_EXCL);
      const st = fs.statSync(current);
      fs.utimesSync(target, st.atime, st.mtime);
      return target;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
  }
}

/** Writes `bytes` to a temporary name, flushes it, then renames it over `target` (atomic: never half a file). */
function writeAtomically(corpusDir: string, target: string, bytes: Buffer): void {
  const tmp = path.join(corpusDir, `.${path.basename(target)}.${process.pid}.part`);
  try {
    const fd = fs.openSync(tmp, 'w');
    try {
      fs.writeSync(fd, bytes);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, target);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw e;
  }
}

/**
 * Saves an uploaded document into the corpus under a safe name. Nothing is
 * ever lost: a different file of the same name is first kept in
 * `.history/` (see `listVersions`), then replaced atomically; the same bytes
 * again change nothing (not even the file's time, so no re-index is needed).
 */
export function saveToCorpus(corpusDir: string, fileName: string, bytes: Buffer, now = new Date()): SaveResult {
  fs.mkdirSync(corpusDir, { recursive: true });
  const savedName = safeFileName(fileName, now);
  const savedPath = path.join(corpusDir, savedName);
  const base: SaveResult = { savedName, savedPath, ...(savedName !== fileName ? { renamedFrom: fileName } : {}) };

  let existing: Buffer | undefined;
  try {
    const st = fs.lstatSync(savedPath);
    if (!st.isFile()) {
      throw new JunhengError(
        `资料库里已有名为《${savedName}》的文件夹或链接，没有保存。请改个文件名再发送。`,
        `${savedPath} exists and is not a regular file`,
      );
    }
    existing = fs.readFileSync(savedPath);
  } catch (e) {
    if (!isNotFound(e)) throw e;
  }

  if (existing?.equals(bytes)) return { ...base, identical: true };
  const previousVersionPath = existing ? keepVersion(corpusDir, savedName, savedPath, now) : undefined;
  writeAtomically(corpusDir, savedPath, bytes);
  return previousVersionPath ? { ...base, replaced: { previousVersionPath } } : base;
}

/** The kept old versions of a corpus document, newest first. */
export function listVersions(corpusDir: string, savedName: string): KeptVersion[] {
  const historyDir = path.join(corpusDir, HISTORY_DIR);
  const { stem, ext } = splitName(safeFileName(savedName));
  const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/gu, '\\$&');
  const pattern = new RegExp(`^${escape(stem)}\\.(\\d{4})(\\d{2})(\\d{2})-(\\d{2})(\\d{2})(\\d{2})(?:-(\\d+))?${escape(ext)}$`, 'u');
  let names: string[];
  try {
    names = fs.readdirSync(historyDir);
  } catch (e) {
    if (isNotFound(e)) return [];
    throw e;
  }
  const found: (KeptVersion & { order: number })[] = [];
  for (const fileName of names) {
    const m = pattern.exec(fileName);
    if (!m) continue;
    const [y, mo, d, h, mi, s, n] = m.slice(1).map((x) => Number(x ?? 1));
    const file = path.join(historyDir, fileName);
    const st = fs.statSync(file);
    if (!st.isFile()) continue;
    found.push({ fileName, path: file, replacedAt: new Date(y!, mo! - 1, d!, h!, mi!, s!), bytes: st.size, order: n! });
  }
  found.sort((a, b) => b.replacedAt.getTime() - a.replacedAt.getTime() || b.order - a.order);
  return found.map(({ order: _order, ...v }) => v);
}
