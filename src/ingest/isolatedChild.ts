import { EmbeddingServiceError, IngestBusyError, JunhengError } from '../errors.js';
import { embedderFromIdentity, type ChildMessage, type ChildRequest, type SerializedError } from './isolated.js';
import { NothingIndexedError, runIngest } from './pipeline.js';

/**
 * The child process of runIngestIsolated (started through tsEntry.mjs): runs
 * one ingest on the options it is sent and reports events and the result over
 * IPC. It ends with its parent: an orphaned ingest would only hold the lock.
 */
if (!process.send) throw new Error('isolatedChild.ts must be started with an IPC channel (fork)');
const send = (m: ChildMessage, then?: () => void) => process.send!(m, undefined, {}, () => then?.());

let finished = false;
process.on('disconnect', () => {
  if (!finished) process.exit(1);
});

function serialize(e: unknown): SerializedError {
  const name = e instanceof Error ? e.name : 'Error';
  const message = e instanceof Error ? e.message : String(e);
  if (e instanceof NothingIndexedError) return { kind: 'nothing-indexed', name, message, userMessage: e.userMessage, outcomes: e.outcomes };
  if (e instanceof IngestBusyError) return { kind: 'busy', name, message, userMessage: e.userMessage };
  if (e instanceof EmbeddingServiceError) return { kind: 'embedding-service', name, message, userMessage: e.userMessage, service: e.service, reason: e.reason };
  if (e instanceof JunhengError) return { kind: 'junheng', name, message, userMessage: e.userMessage };
  return { kind: 'other', name, message: e instanceof Error && e.stack ? e.stack : message };
}

process.once('message', (request: ChildRequest) => {
  // The parent put a remote embedder's key into this process's environment, not into the request.
  const embedder = embedderFromIdentity(request.embedder, request.remote, process.env['EMBEDDINGS_API_KEY'] || null);
  const run = embedder
    ? runIngest({
        dirs: request.dirs,
        indexDir: request.indexDir,
        embedder,
        maxFileBytes: request.maxFileBytes,
        limits: request.limits,
        onEvent: request.events ? (event) => send({ type: 'event', event }) : undefined,
      })
    : Promise.reject(new Error(`cannot rebuild embedder ${request.embedder.id}`));
  run.then(
    (summary) => {
      finished = true;
      send({ type: 'done', summary }, () => process.disconnect());
    },
    (e: unknown) => {
      finished = true;
      send({ type: 'error', error: serialize(e) }, () => process.disconnect());
    },
  );
});
