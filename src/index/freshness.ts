import path from 'node:path';
import { scanCorpus, type CorpusFile } from '../ingest/scan.js';
import { listingKey, readSourceListings, type SourceListing } from '../ingest/sources.js';
import { JunhengError } from '../errors.js';
import type { IdentifiedEmbeddings } from './embedder.js';
import { currentGeneration, generationPath, readManifest } from './generations.js';
import { SCHEMA_VERSION, type Manifest } from './manifest.js';
import { isCompatible } from './reader.js';

/**
 * How the scanned corpus differs from what a manifest was built from (null
 * when it does not): other folders, files added or removed, a size or
 * modification time changed, or a file's sources.yaml entry changed.
 * Compares metadata only, so it reads no document.
 */
export function corpusDifference(
  manifest: Manifest,
  files: readonly CorpusFile[],
  dirs: readonly string[],
  listings: ReadonlyMap<string, SourceListing> = new Map(),
): string | null {
  if (manifest.corpusDirs.join('\n') !== dirs.map((d) => path.resolve(d)).join('\n')) return '语料文件夹已更换';
  if (files.length !== manifest.files.length) return '文件有增减';
  const known = new Map(manifest.files.map((f) => [f.source, f]));
  for (const f of files) {
    const k = known.get(f.source);
    if (!k) return '文件有增减';
    if (k.size !== f.size || k.mtimeMs !== f.mtimeMs) return '文件有改动';
    if ((k.listing ?? '') !== listingKey(listings.get(f.source))) return '文件说明（sources.yaml）有改动';
  }
  return null;
}

/** staleReason when only the embedder differs: the old generation can keep answering while the new one is built. */
export const EMBEDDER_CHANGED = '向量模型已更换';

/** Why the index does not reflect the corpus folders (null when it does). */
export function staleReason(indexDir: string, dirs: readonly string[], embedder: IdentifiedEmbeddings): string | null {
  const name = currentGeneration(indexDir);
  if (!name) return '还没有索引';
  const manifest = readManifest(generationPath(indexDir, name));
  if (manifest.schemaVersion === SCHEMA_VERSION && !isCompatible(manifest, embedder)) return EMBEDDER_CHANGED;
  if (!isCompatible(manifest, embedder)) return '索引版本已过时';
  let listings: Map<string, SourceListing>;
  try {
    listings = readSourceListings(dirs);
  } catch (e) {
    // The ingest that follows reports what is wrong with the file.
    if (e instanceof JunhengError) return '文件说明（sources.yaml）需要检查';
    throw e;
  }
  return corpusDifference(manifest, scanCorpus(dirs), dirs, listings);
}
