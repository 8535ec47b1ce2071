import fs from 'node:fs';
import path from 'node:path';
import { JunhengError } from '../errors.js';

/** A file found in a corpus folder. */
export interface CorpusFile {
  absPath: string;
  /** Path relative to its corpus folder, '/'-separated; prefixed by the folder name when several folders are indexed. */
  source: string;
  size: number;
  mtimeMs: number;
}

/** Folders that hold machine data rather than documents (checklist definitions, answering lexicons). */
const SKIPPED_DIRS = new Set(['node_modules', 'checklists', 'lexicon']);

/**
 * YAML files are the project's data (corpus/sources.yaml, checklists,
 * lexicons), never documents: left out silently, wherever they sit.
 */
const DATA_FILE = /\.ya?ml$/i;

/** A file's source name: its path inside its corpus folder, prefixed by the folder's name when several folders are indexed. */
export function corpusSourceName(dir: string, relPath: string, dirCount: number): string {
  return dirCount > 1 ? `${path.basename(path.resolve(dir))}/${relPath}` : relPath;
}

/**
 * An entry of a corpus folder that is not indexed and is worth telling the user about:
 * - `hidden`: name starts with a dot (folders end with '/');
 * - `symlink`: a symbolic link (not followed: it may point outside the corpus or loop);
 * - `special`: a FIFO, socket or device (reading a FIFO would block the ingest);
 * - `unreadable`: a folder that cannot be listed.
 */
export interface SkippedEntry {
  source: string;
  kind: 'hidden' | 'symlink' | 'special' | 'unreadable';
}

export interface CorpusScan {
  files: CorpusFile[];
  skipped: SkippedEntry[];
}

/** Lists every regular file below the folders, sorted; hidden entries, links and special files are ignored. */
export function scanCorpus(dirs: readonly string[]): CorpusFile[] {
  return scanCorpusWithSkipped(dirs).files;
}

/** Like scanCorpus, and also says which entries were left out (for the ingest summary). */
export function scanCorpusWithSkipped(dirs: readonly string[]): CorpusScan {
  const files: CorpusFile[] = [];
  const skipped: SkippedEntry[] = [];
  for (const dir of dirs) {
    const root = path.resolve(dir);
    if (!fs.existsSync(root) || !fs.statSync(root).isDirectory()) {
      throw new JunhengError(`找不到语料文件夹：${dir}`, `corpus dir missing: ${root}`);
    }
    const sourceOf = (p: string) => corpusSourceName(root, path.relative(root, p).split(path.sep).join('/'), dirs.length);
    const walk = (abs: string) => {
      let entries: fs.Dirent[];
      try {
        entries = fs.readdirSync(abs, { withFileTypes: true });
      } catch (e) {
        // A sub-folder removed meanwhile is simply gone; one that cannot be listed is said.
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT') skipped.push({ source: `${sourceOf(abs)}/`, kind: 'unreadable' });
        return;
      }
      for (const entry of entries) {
        const p = path.join(abs, entry.name);
        if (entry.name.startsWith('.')) {
          skipped.push({ source: entry.isDirectory() ? `${sourceOf(p)}/` : sourceOf(p), kind: 'hidden' });
        } else if (entry.isSymbolicLink()) {
          skipped.push({ source: sourceOf(p), kind: 'symlink' });
        } else if (entry.isDirectory()) {
          if (!SKIPPED_DIRS.has(entry.name)) walk(p);
        } else if (entry.isFile()) {
          if (DATA_FILE.test(entry.name)) continue;
          let st: fs.Stats;
          try {
            st = fs.statSync(p);
          } catch (e) {
            if ((e as NodeJS.ErrnoException).code === 'ENOENT') continue; // removed between listing and stat
            throw e;
          }
          files.push({ absPath: p, source: sourceOf(p), size: st.size, mtimeMs: st.mtimeMs });
        } else {
          skipped.push({ source: sourceOf(p), kind: 'special' });
        }
      }
    };
    walk(root);
  }
  const bySource = (a: { source: string }, b: { source: string }) => (a.source < b.source ? -1 : a.source > b.source ? 1 : 0);
  return { files: files.sort(bySource), skipped: skipped.sort(bySource) };
}
