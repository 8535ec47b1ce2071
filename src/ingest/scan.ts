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

/** Folders that hold machine data rather than documents (checklist definitions). */
const SKIPPED_DIRS = new Set(['node_modules', 'checklists']);

/** Lists every regular file below the folders, sorted; hidden files and folders are ignored. */
export function scanCorpus(dirs: readonly string[]): CorpusFile[] {
  const files: CorpusFile[] = [];
  const prefixed = dirs.length > 1;
  for (const dir of dirs) {
    const root = path.resolve(dir);
    if (!fs.existsSync(root) || !fs.statSync(root).isDirectory()) {
      throw new JunhengError(`找不到语料文件夹：${dir}`, `corpus dir missing: ${root}`);
    }
    const walk = (abs: string) => {
      for (const entry of fs.readdirSync(abs, { withFileTypes: true })) {
        if (entry.name.startsWith('.')) continue;
        const p = path.join(abs, entry.name);
        if (entry.isDirectory()) {
          if (!SKIPPED_DIRS.has(entry.name)) walk(p);
        } else if (entry.isFile()) {
          const st = fs.statSync(p);
          const rel = path.relative(root, p).split(path.sep).join('/');
          files.push({
            absPath: p,
            source: prefixed ? `${path.basename(root)}/${rel}` : rel,
            size: st.size,
            mtimeMs: st.mtimeMs,
          });
        }
      }
    };
    walk(root);
  }
  return files.sort((a, b) => (a.source < b.source ? -1 : a.source > b.source ? 1 : 0));
}
