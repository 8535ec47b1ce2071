import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import { LocalHashEmbeddings, type EmbedderIdentity, type IdentifiedEmbeddings } from './embedder.js';
import { currentGeneration, generationPath, readManifest } from './generations.js';
import { PassageIndex } from './reader.js';
import { REMOTE_DEFAULTS, RemoteEmbeddings, remoteModelOf, type RemoteEmbeddingsSettings } from './remoteEmbedder.js';

/**
 * The embedder the configuration asks for: the remote service when EMBEDDINGS_* are set (its
 * dimension learnt by one probe request, so an unreachable service throws EmbeddingServiceError
 * here), else the local one.
 */
export async function configuredEmbedder(config: Pick<Config, 'embeddings'>, log?: Logger): Promise<IdentifiedEmbeddings> {
  return config.embeddings ? RemoteEmbeddings.connect(config.embeddings, {}, log) : new LocalHashEmbeddings();
}

/** A remote service's settings and key, for rebuilding a remote embedder of a known dimension. */
export interface RemoteRebuild {
  settings: RemoteEmbeddingsSettings;
  apiKey: string | null;
  log?: Logger;
}

/**
 * The embedder of an identity, built without asking any service: the local one needs nothing else;
 * a remote one needs the service's settings, for the model the identity names. Undefined otherwise.
 */
export function rebuildEmbedder(identity: EmbedderIdentity, remote?: RemoteRebuild): IdentifiedEmbeddings | undefined {
  const local = new LocalHashEmbeddings(identity.dimensions);
  if (local.identity.id === identity.id) return local;
  if (remote && remoteModelOf(identity) === remote.settings.model) return new RemoteEmbeddings(remote.settings, identity.dimensions, remote.apiKey, remote.log);
  return undefined;
}

/** The embedder that can search vectors built by `identity`: the configured one if it built them, else one rebuilt from the identity. */
export function embedderFor(identity: EmbedderIdentity, configured: IdentifiedEmbeddings): IdentifiedEmbeddings | undefined {
  if (identity.id === configured.identity.id && identity.dimensions === configured.identity.dimensions) return configured;
  return rebuildEmbedder(identity);
}

/**
 * The current generation, opened with the embedder that built it: after the configured embedder
 * changes (local → a remote model), the old generation keeps answering with its own vectors until the
 * new one is complete. A generation no embedder here can search is refused as before.
 */
export function openServing(indexDir: string, configured: IdentifiedEmbeddings): PassageIndex {
  const name = currentGeneration(indexDir);
  if (!name) return PassageIndex.open(indexDir, configured);
  const built = readManifest(generationPath(indexDir, name)).embedder;
  return PassageIndex.openGeneration(indexDir, name, embedderFor(built, configured) ?? configured);
}

/** The current generation can be searched (with its own embedder) while one for `configured` is built. */
export function currentIndexSearchable(indexDir: string, configured: IdentifiedEmbeddings): boolean {
  const name = currentGeneration(indexDir);
  return name !== null && embedderFor(readManifest(generationPath(indexDir, name)).embedder, configured) !== undefined;
}

/**
 * When the configured service cannot be reached at start: the embedder of the current generation
 * (the local one, or the configured model with the dimension its manifest records, whose questions
 * then fall back to the keyword channels until the service is back). Undefined without a usable index.
 */
export function embedderOfCurrentIndex(config: Pick<Config, 'embeddings' | 'indexDir'>, log?: Logger): IdentifiedEmbeddings | undefined {
  const name = currentGeneration(config.indexDir);
  if (!name) return undefined;
  const identity = readManifest(generationPath(config.indexDir, name)).embedder;
  const service = config.embeddings;
  return rebuildEmbedder(identity, service ? { settings: { ...REMOTE_DEFAULTS, baseURL: service.baseURL, model: service.model }, apiKey: service.apiKey, log } : undefined);
}
