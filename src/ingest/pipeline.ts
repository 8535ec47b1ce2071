import fs from 'node:fs';
import path from 'node:path';
import { IndexUnavailableError, JunhengError } from '../errors.js';
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
import type { DocumentContent } from './document.js';
import { examineFile } from './examine.js';
import { resolveLimits, type IngestLimits } from './limits.js';
import { LoaderPool } from './loaderPool.js';
import { Quarantine } from './quarantine.js';
import { scanCorpusWithSkipped, type SkippedEntry } from './scan.js';
import { shortTitle } from './shortTitle.js';
import { listingKey, readSourceListings } from './sources.js';

export interface IngestOptions {
  dirs: readonly string[];
  indexDir: string;
  embedder: IdentifiedEmbeddings;
  maxFileBytes: number;
  /** Per-file caps (src/ingest/limits.ts); the defaults suit real documents. */
  limits?: Partial<IngestLimits>;
  onEvent?: (event: IngestEvent) => void;
}

export type FileOutcome =
  | { status: 'indexed'; source: string; passages: number; bytes: number; warnings: string[] }
  | { status: 'unchanged'; source: string; passages: number }
  | { status: 'rejected'; source: string; code: string; message: string; technical?: string };

export type IngestEvent =
  | { type: 'start'; files: number; generation: string; cleanedUp: string[] }
  /** A file is handed to the loader worker (not sent for files taken from the previous index or the quarantine). */
  | { type: 'load'; source: string }
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
  /** Hidden entries, links and special files left out of the scan. */
  skipped: SkippedEntry[];
}

/** Every file was rejected (or there were none): the previous index stays current. */
export class NothingIndexedError extends JunhengError {
  constructor(userMessage: string, technical: string, readonly outcomes: FileOutcome[]) {
    super(userMessage, technical);
  }
}

const EMBED_BATCH = 256;

/**
 * Embeds a loaded file's passages in batches. Embedding stays in the ingest's
 * own thread (the embedder is the caller's object); loading, the part a file
 * can blow up, runs in the loader worker.
 */
async function embedPassages(content: DocumentContent, embedder: IdentifiedEmbeddings, first: { done: boolean }): Promise<number[][]> {
  const vectors: number[][] = [];
  for (let i = 0; i < content.passages.length; i += EMBED_BATCH) {
    const batch = content.passages.slice(i, i + EMBED_BATCH);
    for (const v of await embedder.embedDocuments(batch.map((p) => `${passageContext(content.title, p.sectionPath)}\n${p.text}`))) vectors.push(v);
    if (!first.done) {
      first.done = true;
      crashPoint('mid-embedding');
    }
  }
  return vectors;
}

/** The current generation, when a re-ingest can start from a copy of it. */
function usablePrevious(indexDir: string, embedder: IdentifiedEmbeddings): { dir: string; manifest: Manifest } | undefined {
  const name = currentGeneration(indexDir);
  if (!name) return undefined;
  const dir = generationPath(indexDir, name);
  try {
    const manifest = readManifest(dir);
    // Rows are removed by recomputing their bigram tokens, which needs the same Unicode tables.
    const sameUnicode = manifest.unicodeVersion === process.versions.unicode;
    return isCompatible(manifest, embedder) && sameUnicode ? { dir, manifest } : undefined;
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
    const { files, skipped } = scanCorpusWithSkipped(opts.dirs);
    const listings = readSourceListings(opts.dirs);
    if (previous && corpusDifference(previous.manifest, files, opts.dirs, listings) === null) {
      // Same folders, files, sizes and times: the current generation already is the answer.
      return unchangedSummary(previous.manifest, started, skipped);
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

    const loader = new LoaderPool(resolveLimits(opts.limits));
    const quarantine = Quarantine.open(opts.indexDir);
    const hashes = new Set<string>();
    try {
      for (const [i, file] of files.entries()) {
        const listing = listings.get(file.source);
        const listed = listingKey(listing) || undefined;
        // A file listed differently in sources.yaml is read again: its kind and short title change.
        const previousFile = previousFiles.get(file.source);
        const sameListing = previousFile?.listing === listed;
        // Every problem of one file ends as that file's rejection, never as the end of the run.
        const examined = await examineFile(file, sameListing ? previousFile : undefined, {
          maxFileBytes: opts.maxFileBytes,
          loader,
          quarantine,
          onLoad: (source) => opts.onEvent?.({ type: 'load', source }),
        });
        if (examined.base) hashes.add(examined.base.contentHash);
        let outcome: FileOutcome;
        let entry: ManifestFile | undefined;
        if (examined.kind === 'same') {
          // Already in the copied store and vectors (or already known to be unusable).
          const prev = examined.previous;
          outcome = prev.status === 'indexed'
            ? { status: 'unchanged', source: file.source, passages: prev.passageCount }
            : { status: 'rejected', source: file.source, code: prev.rejection?.code ?? 'failed', message: prev.rejection?.message ?? '' };
          entry = { ...prev, ...examined.base };
        } else {
          removeFromIndex(file.source);
          if (examined.kind === 'rejected') {
            const r = examined.rejection;
            outcome = { status: 'rejected', source: file.source, code: r.code, message: r.message, technical: r.technical };
            // A file deleted or replaced by a folder meanwhile is no longer part of the corpus.
            if (examined.base) entry = { ...examined.base, status: 'rejected', passageCount: 0, warnings: [], rejection: { code: r.code, message: r.message }, listing: listed };
          } else {
            const { content, base } = examined;
            const embedded = await embedPassages(content, opts.embedder, firstEmbedding);
            const ids = store.addDocument(
              {
                source: file.source,
                title: content.title,
                shortTitle: listing?.shortTitle ?? shortTitle(content.ownTitle ?? content.title),
                kind: listing?.kind ?? 'document',
                format: content.format,
                pageCount: content.pageCount,
              },
              content.passages,
            );
            ids.forEach((id, k) => vectors.add(id, embedded[k]!));
            for (const p of content.passages) textChars += p.text.length;
            const { warnings } = content;
            outcome = { status: 'indexed', source: file.source, passages: content.passages.length, bytes: base.size, warnings };
            entry = { ...base, status: 'indexed', passageCount: content.passages.length, title: content.title, warnings, listing: listed };
          }
        }
        outcomes.push(outcome);
        if (entry) manifestFiles.push(entry);
        opts.onEvent?.({ type: 'file', done: i + 1, total: files.length, outcome });
      }
    } finally {
      await loader.close();
    }
    quarantine.keepOnly(hashes);

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
      unicodeVersion: process.versions.unicode,
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
      skipped,
    };
  } finally {
    lock.release();
  }
}

function unchangedSummary(manifest: Manifest, started: number, skipped: SkippedEntry[]): IngestSummary {
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
    skipped,
  };
}
