import fs from 'node:fs';
import path from 'node:path';
import { IndexUnavailableError, IngestBusyError } from '../errors.js';
import { crashPoint } from './crashpoint.js';
import { ManifestSchema, type Manifest } from './manifest.js';

/**
 * Layout of INDEX_DIR:
 *   CURRENT                      name of the complete generation readers use
 *   generations/<name>/          store.db, vectors.hnsw, manifest.json
 *   generations/<name>.partial/  a generation being built (never read)
 *   ingest.lock                  held by the one running ingest
 */
export const CURRENT_FILE = 'CURRENT';
const GENERATIONS = 'generations';
const PARTIAL = '.partial';
const LOCK_FILE = 'ingest.lock';

export const STORE_FILE = 'store.db';
export const VECTORS_FILE = 'vectors.hnsw';
export const MANIFEST_FILE = 'manifest.json';

export function generationsDir(indexDir: string): string {
  return path.join(indexDir, GENERATIONS);
}

export function generationPath(indexDir: string, name: string): string {
  return path.join(generationsDir(indexDir), name);
}

/** The current generation's name, or null when no index has been built yet. */
export function currentGeneration(indexDir: string): string | null {
  try {
    const name = fs.readFileSync(path.join(indexDir, CURRENT_FILE), 'utf8').trim();
    return name || null;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
}

export function readManifest(generationDir: string): Manifest {
  const file = path.join(generationDir, MANIFEST_FILE);
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new IndexUnavailableError('索引文件不完整或已损坏，请重新运行 npm run ingest。', `cannot read ${file}`, { cause: e });
  }
  const parsed = ManifestSchema.safeParse(raw);
  if (!parsed.success) {
    throw new IndexUnavailableError('索引文件格式不对，请重新运行 npm run ingest。', `invalid manifest ${file}: ${parsed.error.message}`);
  }
  return parsed.data;
}

/** A sortable, unique generation name. */
export function newGenerationName(now = new Date()): string {
  return `${now.toISOString().replace(/[-:.]/g, '').replace('T', '-').replace('Z', '')}-${process.pid}`;
}

function fsyncPath(p: string): void {
  const fd = fs.openSync(p, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/** Creates the folder a new generation is built in. */
export function startGeneration(indexDir: string, name: string): string {
  const dir = generationPath(indexDir, name) + PARTIAL;
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

/**
 * Makes a fully written generation current: flush its files, rename the
 * partial folder, then replace CURRENT by rename — each step atomic, so a
 * crash leaves either the old or the new generation current, never a mix.
 */
export function commitGeneration(indexDir: string, name: string): string {
  const partial = generationPath(indexDir, name) + PARTIAL;
  for (const f of fs.readdirSync(partial)) fsyncPath(path.join(partial, f));
  const final = generationPath(indexDir, name);
  fs.renameSync(partial, final);
  fsyncPath(generationsDir(indexDir));
  crashPoint('before-switch');
  const tmp = path.join(indexDir, `${CURRENT_FILE}.${process.pid}.tmp`);
  fs.writeFileSync(tmp, `${name}\n`);
  fsyncPath(tmp);
  crashPoint('during-switch');
  fs.renameSync(tmp, path.join(indexDir, CURRENT_FILE));
  fsyncPath(indexDir);
  return final;
}

/**
 * Removes what dead or superseded runs left: partial folders, stray CURRENT
 * temp files, and complete generations other than the current one and the
 * one before it (a running bot may still be reading that one).
 */
export function removeLeftovers(indexDir: string): string[] {
  const removed: string[] = [];
  const genDir = generationsDir(indexDir);
  const current = currentGeneration(indexDir);
  if (fs.existsSync(indexDir)) {
    for (const f of fs.readdirSync(indexDir)) {
      if (f.startsWith(`${CURRENT_FILE}.`) && f.endsWith('.tmp')) {
        fs.rmSync(path.join(indexDir, f), { force: true });
        removed.push(f);
      }
    }
  }
  if (!fs.existsSync(genDir)) return removed;
  const names = fs.readdirSync(genDir).sort();
  const complete = names.filter((n) => !n.endsWith(PARTIAL));
  const keep = new Set<string>();
  if (current) {
    keep.add(current);
    const older = complete.filter((n) => n < current);
    const previous = older[older.length - 1];
    if (previous) keep.add(previous);
  }
  for (const n of names) {
    if (keep.has(n)) continue;
    fs.rmSync(path.join(genDir, n), { recursive: true, force: true });
    removed.push(n);
  }
  return removed;
}

interface LockInfo {
  pid: number;
  startedAt: string;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Lock files held by this process: the pid in the file cannot tell two ingests of one process apart. */
const heldHere = new Set<string>();

function busy(pid: number, startedAt: string): IngestBusyError {
  return new IngestBusyError(
    `另一个索引任务正在进行（进程 ${pid}，开始于 ${startedAt}），请等它完成后再试。`,
    `ingest lock held by live pid ${pid}`,
  );
}

/** An exclusive hold on INDEX_DIR for one ingest; a lock left by a dead process is taken over. */
export class IngestLock {
  private constructor(private readonly file: string) {}

  static acquire(indexDir: string): { lock: IngestLock; tookOverStale: boolean } {
    fs.mkdirSync(indexDir, { recursive: true });
    const file = path.join(path.resolve(indexDir), LOCK_FILE);
    if (heldHere.has(file)) throw busy(process.pid, '刚才');
    let tookOverStale = false;
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        const fd = fs.openSync(file, 'wx');
        fs.writeSync(fd, JSON.stringify({ pid: process.pid, startedAt: new Date().toISOString() } satisfies LockInfo));
        fs.closeSync(fd);
        heldHere.add(file);
        return { lock: new IngestLock(file), tookOverStale };
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      }
      let holder: LockInfo | undefined;
      try {
        holder = JSON.parse(fs.readFileSync(file, 'utf8')) as LockInfo;
      } catch {
        holder = undefined; // a lock file cut short by a crash is stale
      }
      if (holder && holder.pid !== process.pid && processAlive(holder.pid)) throw busy(holder.pid, holder.startedAt);
      fs.rmSync(file, { force: true });
      tookOverStale = true;
    }
    throw new IngestBusyError('另一个索引任务刚刚开始，请稍后再试。', 'lost the race for the ingest lock');
  }

  release(): void {
    heldHere.delete(this.file);
    fs.rmSync(this.file, { force: true });
  }
}
