import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { FileRejectedError, JunhengError } from '../errors.js';
import { crashPoint } from '../index/crashpoint.js';
import type { IdentifiedEmbeddings } from '../index/embedder.js';
import {
  commitGeneration, currentGeneration, IngestLock, MANIFEST_FILE, newGenerationName, removeLeftovers,
  startGeneration, STORE_FILE, VECTORS_FILE,
} from '../index/generations.js';
import { SCHEMA_VERSION, type Manifest, type ManifestFile } from '../index/manifest.js';
import { corpusDifference } from '../index/freshness.js';
import { PassageIndex } from '../index/reader.js';
import { passageContext, StoreWriter, type PassageTerms } from '../index/store.js';
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

/** Passages and vectors a document brings into the new generation. */
interface DocumentContent {
  title: string;
  format: string;
  pageCount?: number;
  passages: Passage[];
  vectors: number[][];
  /** Keyword-index words, when copied from the previous generation. */
  terms?: (PassageTerms | undefined)[];
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

/** The previous generation's passages and vectors for a file, for reuse without reading or embedding. */
function reuseDocument(previous: PassageIndex, entry: ManifestFile, format: string): DocumentContent {
  const stored = previous.passagesOf(entry.source);
  return {
    title: stored[0]?.title ?? entry.title ?? entry.source,
    format,
    pageCount: previous.documents().find((d) => d.source === entry.source)?.pageCount ?? undefined,
    passages: stored.map((p) => ({
      ordinal: p.ordinal, text: p.text, sectionPath: p.sectionPath, page: p.page ?? undefined,
      pageEnd: p.pageEnd ?? undefined, charStart: p.charStart, charEnd: p.charEnd,
    })),
    vectors: stored.map((p) => previous.vectorOf(p.id)),
    terms: stored.map((p) => previous.termsOf(p.id)),
  };
}

function rejectionOf(file: CorpusFile, e: unknown): { code: string; message: string; technical: string } {
  if (e instanceof FileRejectedError) return { code: e.code, message: e.userMessage, technical: e.message };
  const technical = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  const message = e instanceof JunhengError ? e.userMessage : '读取文件时出错，文件可能已损坏';
  return { code: 'failed', message, technical: `${file.source}: ${technical}` };
}

function openPrevious(indexDir: string, embedder: IdentifiedEmbeddings): PassageIndex | undefined {
  if (!currentGeneration(indexDir)) return undefined;
  try {
    return PassageIndex.open(indexDir, embedder);
  } catch (e) {
    if (e instanceof JunhengError) return undefined; // incompatible or damaged: rebuild everything
    throw e;
  }
}

/**
 * Builds a new index generation from the corpus folders and makes it current.
 * The previous generation stays current and usable until the new one is
 * complete; unchanged files are copied from it without being read or embedded.
 */
export async function runIngest(opts: IngestOptions): Promise<IngestSummary> {
  const started = performance.now();
  const { lock } = IngestLock.acquire(opts.indexDir);
  try {
    crashPoint('after-lock');
    const cleanedUp = removeLeftovers(opts.indexDir);
    const previous = openPrevious(opts.indexDir, opts.embedder);
    const previousFiles = new Map((previous?.manifest.files ?? []).map((f) => [f.source, f]));
    const previousFormats = new Map((previous?.documents() ?? []).map((d) => [d.source, d.format]));

    const files = scanCorpus(opts.dirs);
    // Same folders, files, sizes and times: the current generation already is the answer.
    if (previous && corpusDifference(previous.manifest, files, opts.dirs) === null) {
      const summary = unchangedSummary(previous, started);
      previous.close();
      return summary;
    }
    const generation = newGenerationName();
    const dir = startGeneration(opts.indexDir, generation);
    opts.onEvent?.({ type: 'start', files: files.length, generation, cleanedUp });

    const store = new StoreWriter(path.join(dir, STORE_FILE));
    const vectors = new VectorWriter(opts.embedder.identity.dimensions);
    const outcomes: FileOutcome[] = [];
    const manifestFiles: ManifestFile[] = [];
    const firstEmbedding = { done: false };
    let textChars = 0;

    for (const [i, file] of files.entries()) {
      const prev = previousFiles.get(file.source);
      let outcome: FileOutcome;
      let entry: ManifestFile;
      const sameStat = prev && prev.size === file.size && prev.mtimeMs === file.mtimeMs;
      let hash = sameStat ? prev.contentHash : '';
      let bytes: Buffer | undefined;
      if (!sameStat) {
        bytes = fs.readFileSync(file.absPath);
        hash = sha256(bytes);
      }
      const base = { source: file.source, size: file.size, mtimeMs: file.mtimeMs, contentHash: hash };
      if (previous && prev && prev.contentHash === hash) {
        if (prev.status === 'indexed') {
          const content = reuseDocument(previous, prev, previousFormats.get(file.source) ?? 'txt');
          addToIndex(store, vectors, file.source, content);
          outcome = { status: 'unchanged', source: file.source, passages: content.passages.length };
        } else {
          outcome = { status: 'rejected', source: file.source, code: prev.rejection?.code ?? 'failed', message: prev.rejection?.message ?? '' };
        }
        entry = { ...prev, ...base };
      } else if (file.size > opts.maxFileBytes) {
        const mb = (opts.maxFileBytes / 1024 / 1024).toFixed(0);
        outcome = { status: 'rejected', source: file.source, code: 'too-large', message: `文件太大（超过 ${mb} MB），请拆分后再放入` };
        entry = { ...base, status: 'rejected', passageCount: 0, warnings: [], rejection: { code: outcome.code, message: outcome.message } };
      } else {
        try {
          const { content, warnings } = await readDocument(file, bytes ?? fs.readFileSync(file.absPath), opts.embedder, firstEmbedding);
          addToIndex(store, vectors, file.source, content);
          textChars += content.passages.reduce((n, p) => n + p.text.length, 0);
          outcome = { status: 'indexed', source: file.source, passages: content.passages.length, bytes: file.size, warnings };
          entry = { ...base, status: 'indexed', passageCount: content.passages.length, title: content.title, warnings };
        } catch (e) {
          const r = rejectionOf(file, e);
          outcome = { status: 'rejected', source: file.source, ...r };
          entry = { ...base, status: 'rejected', passageCount: 0, warnings: [], rejection: { code: r.code, message: r.message } };
        }
      }
      outcomes.push(outcome);
      manifestFiles.push(entry);
      opts.onEvent?.({ type: 'file', done: i + 1, total: files.length, outcome });
    }

    previous?.close();
    store.close();
    const count = (s: FileOutcome['status']) => outcomes.filter((o) => o.status === s).length;
    if (count('indexed') + count('unchanged') === 0) {
      // Replacing a working index by an empty one would lose everything the bot can answer from.
      fs.rmSync(dir, { recursive: true, force: true });
      throw new NothingIndexedError(
        '没有任何文件可以收录，旧索引保持不变。',
        `no usable file among ${files.length}`,
        outcomes,
      );
    }
    vectors.write(path.join(dir, VECTORS_FILE));
    const manifest: Manifest = {
      schemaVersion: SCHEMA_VERSION,
      generation,
      createdAt: new Date().toISOString(),
      embedder: opts.embedder.identity,
      corpusDirs: opts.dirs.map((d) => path.resolve(d)),
      files: manifestFiles,
      passageCount: vectors.count,
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
      passages: vectors.count,
      textChars,
      seconds: (performance.now() - started) / 1000,
    };
  } finally {
    lock.release();
  }
}

function unchangedSummary(current: PassageIndex, started: number): IngestSummary {
  const outcomes: FileOutcome[] = current.manifest.files.map((f) =>
    f.status === 'indexed'
      ? { status: 'unchanged', source: f.source, passages: f.passageCount }
      : { status: 'rejected', source: f.source, code: f.rejection?.code ?? 'failed', message: f.rejection?.message ?? '' },
  );
  return {
    generation: current.generation,
    outcomes,
    indexed: 0,
    unchanged: outcomes.filter((o) => o.status === 'unchanged').length,
    rejected: outcomes.filter((o) => o.status === 'rejected').length,
    passages: current.manifest.passageCount,
    textChars: 0,
    seconds: (performance.now() - started) / 1000,
  };
}

function addToIndex(store: StoreWriter, vectors: VectorWriter, source: string, content: DocumentContent): void {
  const ids = store.addDocument({ source, title: content.title, format: content.format, pageCount: content.pageCount }, content.passages, content.terms);
  ids.forEach((id, k) => vectors.add(id, content.vectors[k]!));
}
