import path from 'node:path';
import { scanCorpus, type CorpusFile } from '../ingest/scan.js';
import type { IdentifiedEmbeddings } from './embedder.js';
import { currentGeneration, generationPath, readManifest } from './generations.js';
import type { Manifest } from './manifest.js';
import { isCompatible } from './reader.js';

/**
 * How the scanned corpus differs from what a manifest was built from (null
 * when it does not): other folders, files added or removed, or a size or
 * modification time changed. Compares metadata only, so it reads no file.
 */
export function corpusDifference(manifest: Manifest, files: readonly CorpusFile[], dirs: readonly string[]): string | null {
  if (manifest.corpusDirs.join('\n') !== dirs.map((d) => path.resolve(d)).join('\n')) return '语料文件夹已更换';
  if (files.length !== manifest.files.length) return '文件有增减';
  const known = new Map(manifest.files.map((f) => [f.source, f]));
  for (const f of files) {
    const k = known.get(f.source);
    if (!k) return '文件有增减';
    if (k.size !== f.size || k.mtimeMs !== f.mtimeMs) return '文件有改动';
  }
  return null;
}

/** Why the index does not reflect the corpus folders (null when it does). */
export function staleReason(indexDir: string, dirs: readonly string[], embedder: IdentifiedEmbeddings): string | null {
  const name = currentGeneration(indexDir);
  if (!name) return '还没有索引';
  const manifest = readManifest(generationPath(indexDir, name));
  if (!isCompatible(manifest, embedder)) return '索引版本已过时';
  return corpusDifference(manifest, scanCorpus(dirs), dirs);
}
