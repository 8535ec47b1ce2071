import { scanCorpus } from '../ingest/scan.js';
import path from 'node:path';
import type { IdentifiedEmbeddings } from './embedder.js';
import { currentGeneration, generationPath, readManifest } from './generations.js';
import { isCompatible } from './reader.js';

/**
 * Why the index does not reflect the corpus folders (null when it does):
 * no index yet, built by another embedder/schema, other folders, or files
 * added, removed or modified since. Reads only file metadata, so it is cheap.
 */
export function staleReason(indexDir: string, dirs: readonly string[], embedder: IdentifiedEmbeddings): string | null {
  const name = currentGeneration(indexDir);
  if (!name) return '还没有索引';
  const manifest = readManifest(generationPath(indexDir, name));
  if (!isCompatible(manifest, embedder)) return '索引版本已过时';
  const wanted = dirs.map((d) => path.resolve(d));
  if (wanted.join('\n') !== manifest.corpusDirs.join('\n')) return '语料文件夹已更换';
  const known = new Map(manifest.files.map((f) => [f.source, f]));
  const files = scanCorpus(dirs);
  if (files.length !== known.size) return '文件有增减';
  for (const f of files) {
    const k = known.get(f.source);
    if (!k) return '文件有增减';
    if (k.size !== f.size || k.mtimeMs !== f.mtimeMs) return '文件有改动';
  }
  return null;
}
