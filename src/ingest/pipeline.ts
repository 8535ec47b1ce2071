import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { FileRejectedError, IndexUnavailableError, JunhengError } from '../errors.js';
import { crashPoint } from '../index/crashpoint.js';
import type { IdentifiedEmbeddings } from '../index/embedder.js';
import {
  commitGeneration, currentGeneration, generationPath, IngestLock, MANIFEST_FILE, newGenerationName, readManifest,
  removeLeftovers, startGeneration, STORE_FILE, VECTORS_FILE,
} from '../index/generations.js';
import { SCHEMA_VERSION, type Manifest, type ManifestFile } from '../index/manifest.js';
import { corpusDifference } from '../index/freshness.js';
import { isCompatible } from '../index/reader.js';
import { passageContext, StoreWriter } from '../index/store.js';
import { VectorWriter } from '../index/vectors.js';
import { cleanDocument } from './clean/index.js';
import { loadFile } from './loaders/index.js';
import { scanCorpus, type CorpusFile } from './scan.js';
import { splitDocument } from './split.js';
import type { Passage } from './types.js';

export interface IngestOptions {
  dirs: readonly string[];
  indexDir: string;
  embedder: IdentifiedEmbeddings;
  maxFileBytes: number;
  onEvent?: (event: IngestEvent) => void;
}

export type FileOutcome =
  | { status: 'indexed'; source: string; passages: number; bytes: number; warnings: string[] }
  | { status: 'unchanged'; source: string; passages: number }
  | { status: 'rejected'; source: string; code: string; message: string; technical?: string };

export type IngestEvent =
  | { type: 'start'; files: number; generation: string; cleanedUp: string[] }
  | { type: 'file'; done: number; total: number; outcome: FileOutcome };

export interface IngestSummary {
  generation: string;
  outcomes: FileOutcome[];
  indexed: number;
  unchanged: number;
  rejected: number;
  /** Passages in the new index (all documents). */
  passages: number;
  /** Characters of text read and split in this run (changed files only). */
  textChars: number;
  seconds: number;
}

/** Every file was rejected (or there were none): the previous index stays current. */
export class NothingIndexedError extends JunhengError {
  constructor(userMessage: string, technical: string, readonly outcomes: FileOutcome[]) {
    super(userMessage, technical);
  }
}

/** Passages and vectors a changed file brings into the new generation. */
interface DocumentContent {
  title: string;
  format: string;
  pageCount?: number;
  passages: Passage[];
  vectors: number[][];
}

const EMBED_BATCH = 256;

function sha256(bytes: Buffer): string {
  return crypto.createHash('sha256').update(bytes).digest('hex');
}

/** Reads, cleans, splits and embeds one changed file. Throws FileRejectedError for unusable files. */
async function readDocument(file: CorpusFile, bytes: Buffer, embedder: IdentifiedEmbeddings, first: { done: boolean }) {
  const loaded = await loadFile(bytes, path.basename(file.absPath));
  const clean = cleanDocument(loaded, path.basename(file.absPath));
  const passages = splitDocument(clean);
  if (passages.length === 0) {
    throw new FileRejectedError('no-text', '文件里没有可提取的文字', `${file.source}: no passages after cleaning`);
  }
  const vectors: number[][] = [];
  for (let i = 0; i < passages.length; i += EMBED_BATCH) {
    const batch = passages.slice(i, i + EMBED_BATCH);
    vectors.push(...(await embedder.embedDocuments(batch.map((p) => `${passageContext(clean.title, p.sectionPath)}\n${p.text}`))));
    if (!first.done) {
      first.done = true;
      crashPoint('mid-embedding');
    }
  }
  const content: DocumentContent = { title: clean.title, format: clean.format, pageCount: clean.pageCount, passages, vectors };
  return { content, warnings: loaded.warnings };
}

function rejectionOf(file: CorpusFile, e: unknown): { code: string; message: string; technical: string } {
  if (e instanceof FileRejectedError) return { code: e.code, message: e.userMessage, technical: e.message };
  const technical = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  const message = e instanceof JunhengError ? e.userMessage : '读取文件时出错，文件可能已损坏';
  return { code: 'failed', message, technical: `${file.source}: ${technical}` };
}

/** The current generation, when a re-ingest can start from a copy of it. */
function usablePrevious(indexDir: string, embedder: IdentifiedEmbeddings): { dir: string; manifest: Manifest } | undefined {
  const name = currentGeneration(indexDir);
  if (!name) return undefined;
  const dir = generationPath(indexDir, name);
  try {
    const manifest = readManifest(dir);
    return isCompatible(manifest, embedder) ? { dir, manifest } : undefined;
  } catch (e) {
    if (e instanceof IndexUnavailableError) return undefined; // damaged: rebuild everything
    throw e;
  }
}

/** The writers of a new generation: empty, or seeded with copies of the previous generation's files. */
function openWriters(dir: string, dimensions: number, previous: { dir: string } | undefined) {
  const storeFile = path.join(dir, STORE_FILE);
  const vectorsFile = path.join(dir, VECTORS_FILE);
  if (previous) {
    fs.copyFileSync(path.join(previous.dir, STORE_FILE), storeFile);
    return { store: new StoreWriter(storeFile, 'update'), vectors: VectorWriter.fromFile(path.join(previous.dir, VECTORS_FILE), dimensions) };
  }
  return { store: new StoreWriter(storeFile, 'create'), vectors: VectorWriter.create(dimensions) };
}

/**
 * Builds a new index generation from the corpus folders and makes it current.
 * The new generation starts as a copy of the previous one, and only what
 * changed is removed, read and embedded; the previous generation stays current
 * and untouched until the new one is complete.
 */
export async function runIngest(opts: IngestOptions): Promise<IngestSummary> {
  const started = performance.now();
  const { lock } = IngestLock.acquire(opts.indexDir);
  try {
    crashPoint('after-lock');
    const cleanedUp = removeLeftovers(opts.indexDir);
    const previous = usablePrevious(opts.indexDir, opts.embedder);
    const files = scanCorpus(opts.dirs);
    if (previous && corpusDifference(previous.manifest, files, opts.dirs) === null) {
      // Same folders, files, sizes and times: the current generation already is the answer.
      return unchangedSummary(previous.manifest, started);
    }
    const previousFiles = new Map((previous?.manifest.files ?? []).map((f) => [f.source, f]));

    const generation = newGenerationName();
    const dir = startGeneration(opts.indexDir, generation);
    opts.onEvent?.({ type: 'start', files: files.length, generation, cleanedUp });
    const { store, vectors } = openWriters(dir, opts.embedder.identity.dimensions, previous);
    const removeFromIndex = (source: string) => vectors.remove(store.removeDocument(source));

    const scanned = new Set(files.map((f) => f.source));
    for (const source of store.sources()) if (!scanned.has(source)) removeFromIndex(source);

    const outcomes: FileOutcome[] = [];
    const manifestFiles: ManifestFile[] = [];
    const firstEmbedding = { done: false };
    let textChars = 0;

    for (const [i, file] of files.entries()) {
      const prev = previousFiles.get(file.source);
      let outcome: FileOutcome;
      let entry: ManifestFile;
      const sameStat = prev && prev.size === file.size && prev.mtimeMs === file.mtimeMs;
      const bytes = sameStat ? undefined : fs.readFileSync(file.absPath);
      const hash = bytes ? sha256(bytes) : prev!.contentHash;
      const base = { source: file.source, size: file.size, mtimeMs: file.mtimeMs, contentHash: hash };
      if (prev && prev.contentHash === hash) {
        // Already in the copied store and vectors (or already known to be unusable).
        outcome = prev.status === 'indexed'
          ? { status: 'unchanged', source: file.source, passages: prev.passageCount }
          : { status: 'rejected', source: file.source, code: prev.rejection?.code ?? 'failed', message: prev.rejection?.message ?? '' };
        entry = { ...prev, ...base };
      } else {
        removeFromIndex(file.source);
        if (file.size > opts.maxFileBytes) {
          const mb = (opts.maxFileBytes / 1024 / 1024).toFixed(0);
          outcome = { status: 'rejected', source: file.source, code: 'too-large', message: `文件太大（超过 ${mb} MB），请拆分后再放入` };
          entry = { ...base, status: 'rejected', passageCount: 0, warnings: [], rejection: { code: outcome.code, message: outcome.message } };
        } else {
          try {
            const { content, warnings } = await readDocument(file, bytes ?? fs.readFileSync(file.absPath), opts.embedder, firstEmbedding);
            const ids = store.addDocument({ source: file.source, title: content.title, format: content.format, pageCount: content.pageCount }, content.passages);
            ids.forEach((id, k) => vectors.add(id, content.vectors[k]!));
            textChars += content.passages.reduce((n, p) => n + p.text.length, 0);
            outcome = { status: 'indexed', source: file.source, passages: content.passages.length, bytes: file.size, warnings };
            entry = { ...base, status: 'indexed', passageCount: content.passages.length, title: content.title, warnings };
          } catch (e) {
            const r = rejectionOf(file, e);
            outcome = { status: 'rejected', source: file.source, ...r };
            entry = { ...base, status: 'rejected', passageCount: 0, warnings: [], rejection: { code: r.code, message: r.message } };
          }
        }
      }
      outcomes.push(outcome);
      manifestFiles.push(entry);
      opts.onEvent?.({ type: 'file', done: i + 1, total: files.length, outcome });
    }

    const passageCount = store.passageCount();
    store.close();
    const count = (s: FileOutcome['status']) => outcomes.filter((o) => o.status === s).length;
    if (count('indexed') + count('unchanged') === 0) {
      // Replacing a working index by an empty one would lose everything the bot can answer from.
      fs.rmSync(dir, { recursive: true, force: true });
      throw new NothingIndexedError('没有任何文件可以收录，旧索引保持不变。', `no usable file among ${files.length}`, outcomes);
    }
    // Rebuilt from the live vectors when re-ingests left too many deleted slots (one vector per passage).
    vectors.write(path.join(dir, VECTORS_FILE), passageCount);
    const manifest: Manifest = {
      schemaVersion: SCHEMA_VERSION,
      generation,
      createdAt: new Date().toISOString(),
      embedder: opts.embedder.identity,
      corpusDirs: opts.dirs.map((d) => path.resolve(d)),
      files: manifestFiles,
      passageCount,
    };
    fs.writeFileSync(path.join(dir, MANIFEST_FILE), JSON.stringify(manifest, null, 1));
    commitGeneration(opts.indexDir, generation);
    removeLeftovers(opts.indexDir);

    return {
      generation,
      outcomes,
      indexed: count('indexed'),
      unchanged: count('unchanged'),
      rejected: count('rejected'),
      passages: passageCount,
      textChars,
      seconds: (performance.now() - started) / 1000,
    };
  } finally {
    lock.release();
  }
}

function unchangedSummary(manifest: Manifest, started: number): IngestSummary {
  const outcomes: FileOutcome[] = manifest.files.map((f) =>
    f.status === 'indexed'
      ? { status: 'unchanged', source: f.source, passages: f.passageCount }
      : { status: 'rejected', source: f.source, code: f.rejection?.code ?? 'failed', message: f.rejection?.message ?? '' },
  );
  return {
    generation: manifest.generation,
    outcomes,
    indexed: 0,
    unchanged: outcomes.filter((o) => o.status === 'unchanged').length,
    rejected: outcomes.filter((o) => o.status === 'rejected').length,
    passages: manifest.passageCount,
    textChars: 0,
    seconds: (performance.now() - started) / 1000,
  };
}
