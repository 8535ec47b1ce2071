import { parentPort } from 'node:worker_threads';
import { readDocumentContent } from './document.js';
import type { LoadJob, LoadReply } from './loaderPool.js';
import { rejectionOf } from './rejection.js';

/**
 * The loader worker (started by LoaderPool through tsEntry.mjs): reads one file
 * at a time, load → clean → split, inside the heap limit the pool gave it.
 * Whatever a file does to this thread, the ingest only loses the thread.
 */
if (!parentPort) throw new Error('loadWorker.ts must run in a worker thread');
const port = parentPort;

async function handle(job: LoadJob): Promise<LoadReply> {
  const bytes = Buffer.from(job.bytes.buffer, job.bytes.byteOffset, job.bytes.byteLength);
  try {
    const content = await readDocumentContent(bytes, job.fileName, job.limits);
    return { id: job.id, ok: true, content };
  } catch (e) {
    return { id: job.id, ok: false, rejection: rejectionOf(job.fileName, e) };
  }
}

port.on('message', (job: LoadJob) => {
  void handle(job).then((reply) => port.postMessage(reply));
});
port.postMessage({ ready: true });
