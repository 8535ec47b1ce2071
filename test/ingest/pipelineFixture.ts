import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';
import { LocalHashEmbeddings } from '../../src/index/embedder.js';
import { seedNames, sharedDir } from '../helpers/shared.js';

export const repoRoot = path.resolve(import.meta.dirname, '../..');
export const seedsDir = path.join(sharedDir, 'seeds');
export const fixturesDir = path.join(sharedDir, 'fixtures');

/** A real embedder that also counts what it embeds, to prove unchanged files are not re-embedded. */
export class CountingEmbeddings extends LocalHashEmbeddings {
  embedded = 0;
  override async embedDocuments(texts: string[]): Promise<number[][]> {
    this.embedded += texts.length;
    return super.embedDocuments(texts);
  }
}

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `junheng-${prefix}-`));
}

/** Temp folders removed after the calling test file: `temp` makes one, `track` adopts one made elsewhere. */
export function tempDirsOfThisFile(): { temp: (prefix: string) => string; track: (dir: string) => void } {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));
  return {
    temp: (prefix) => {
      const d = tempDir(prefix);
      dirs.push(d);
      return d;
    },
    track: (dir) => void dirs.push(dir),
  };
}

/** The project's own standards restatement: the one corpus file the tests rely on. */
export const STANDARDS_MD = path.join(repoRoot, 'corpus/国家督导评估标准整理稿.md');

/**
 * A corpus folder holding only the standards restatement: tests must not depend
 * on what a user has added to corpus/ (README's "Adding documents").
 */
export function standardsCorpus(): string {
  const dir = tempDir('standards');
  fs.copyFileSync(STANDARDS_MD, path.join(dir, path.basename(STANDARDS_MD)));
  return dir;
}

/** A writable corpus folder holding copies of some seed files (the originals are read-only). */
export function corpusOfSeeds(names: string[]): string {
  const dir = tempDir('corpus');
  for (const n of names) fs.copyFileSync(path.join(seedsDir, n), path.join(dir, n));
  return dir;
}

export const SEEDS = seedNames();
