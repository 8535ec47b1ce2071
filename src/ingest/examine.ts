import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { crashPoint } from '../index/crashpoint.js';
import type { ManifestFile } from '../index/manifest.js';
import type { DocumentContent } from './document.js';
import type { LoaderPool, LoadOutcome } from './loaderPool.js';
import type { Quarantine } from './quarantine.js';
import { fileSystemRejection, MESSAGES, type Rejection } from './rejection.js';
import type { CorpusFile } from './scan.js';

/** What the manifest records of a file apart from its status. */
export interface FileBase {
  source: string;
  size: number;
  mtimeMs: number;
  /** sha256 of the content; '' when the file was not read (too large, unreadable). */
  contentHash: string;
}

/**
 * - `same`: same content as in the previous generation: reuse its entry (and its passages and vectors);
 * - `rejected`: not indexable; `base` is absent when the file is no longer a file of the corpus
 *   (deleted or replaced by a folder meanwhile), so the manifest does not list it;
 * - `loaded`: new content to embed and add.
 */
export type Examined =
  | { kind: 'same'; base: FileBase; previous: ManifestFile }
  | { kind: 'rejected'; base?: FileBase; rejection: Rejection }
  | { kind: 'loaded'; base: FileBase; content: DocumentContent };

/** Rejections that depend on circumstances, not on the content: looked at again on every run. */
const RECHECKED = new Set(['too-large', 'unreadable', 'vanished', 'not-regular']);

export interface ExamineContext {
  maxFileBytes: number;
  loader: LoaderPool;
  quarantine: Quarantine;
  /** Called just before the file is handed to the loader worker. */
  onLoad?: (source: string) => void;
}

function sha256(bytes: Buffer): string {
  return crypto.createHash('sha256').update(bytes).digest('hex');
}

/**
 * Decides what one scanned file brings into the new generation, without ever
 * throwing for the file's sake: stat first (gone, not a regular file, too
 * large — from its size, before any read), then read and hash, then the
 * previous generation and the quarantine, and only then the loader worker.
 */
export async function examineFile(file: CorpusFile, prev: ManifestFile | undefined, ctx: ExamineContext): Promise<Examined> {
  let statBase: FileBase = { source: file.source, size: file.size, mtimeMs: file.mtimeMs, contentHash: '' };
  const fsRejection = (e: unknown): Examined => {
    const rejection = fileSystemRejection(file.source, e, ctx.maxFileBytes);
    if (!rejection) throw e; // not a file problem (a bug, or the disk itself): the run fails, the old index stays
    const gone = rejection.code === 'vanished' || rejection.code === 'not-regular';
    return gone ? { kind: 'rejected', rejection } : { kind: 'rejected', base: statBase, rejection };
  };

  let st: fs.Stats;
  try {
    st = fs.statSync(file.absPath);
  } catch (e) {
    return fsRejection(e);
  }
  if (!st.isFile()) {
    return { kind: 'rejected', rejection: { code: 'not-regular', message: MESSAGES.notRegular, technical: `${file.source}: no longer a regular file` } };
  }
  statBase = { source: file.source, size: st.size, mtimeMs: st.mtimeMs, contentHash: '' };

  const prevCode = prev?.rejection?.code;
  if (prev && prev.size === st.size && prev.mtimeMs === st.mtimeMs && !(prevCode && RECHECKED.has(prevCode))) {
    // Same size and time: not read again, taken as it was.
    return { kind: 'same', base: { ...statBase, contentHash: prev.contentHash }, previous: prev };
  }
  if (st.size > ctx.maxFileBytes) {
    return { kind: 'rejected', base: statBase, rejection: tooLarge(file.source, st.size, ctx.maxFileBytes) };
  }

  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file.absPath);
  } catch (e) {
    return fsRejection(e);
  }
  if (bytes.length > ctx.maxFileBytes) {
    return { kind: 'rejected', base: { ...statBase, size: bytes.length }, rejection: tooLarge(file.source, bytes.length, ctx.maxFileBytes) };
  }
  const base: FileBase = { ...statBase, size: bytes.length, contentHash: sha256(bytes) };
  if (prev && prev.contentHash === base.contentHash && !(prevCode && RECHECKED.has(prevCode))) {
    return { kind: 'same', base, previous: prev };
  }

  const remembered = ctx.quarantine.get(base.contentHash);
  if (remembered) {
    return {
      kind: 'rejected',
      base,
      rejection: { code: remembered.code, message: remembered.message, technical: `${remembered.technical} (remembered since ${remembered.since}; not loaded again)` },
    };
  }

  ctx.onLoad?.(file.source);
  ctx.quarantine.beginLoading(base.contentHash, file.source);
  crashPoint('while-loading'); // the whole process dies while a file is in the loader
  let loaded: LoadOutcome;
  try {
    loaded = await ctx.loader.load(bytes, path.basename(file.absPath));
  } finally {
    // Also when the loader could not start at all: the marker is only for a process that died.
    ctx.quarantine.endLoading(base.contentHash);
  }
  switch (loaded.kind) {
    case 'content':
      return { kind: 'loaded', base, content: loaded.content };
    case 'rejected':
      return { kind: 'rejected', base, rejection: loaded.rejection };
    case 'crashed':
      ctx.quarantine.add(base.contentHash, file.source, loaded.rejection);
      return { kind: 'rejected', base, rejection: loaded.rejection };
  }
}

function tooLarge(source: string, size: number, maxFileBytes: number): Rejection {
  return { code: 'too-large', message: MESSAGES.tooLarge(maxFileBytes), technical: `${source}: ${size} bytes (limit ${maxFileBytes})` };
}
