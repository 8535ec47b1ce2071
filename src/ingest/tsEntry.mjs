/**
 * Entry of the ingest's worker thread (loaderPool.ts) and child process (isolated.ts).
 * The project runs TypeScript through tsx without a build, and a worker or child started
 * with empty execArgv does not inherit the parent's loader hooks (under vitest there are
 * none to inherit), so tsx is registered here before the TypeScript module is imported.
 * The module is workerData.entry in a worker thread, argv[2] in a child process.
 */
import { isMainThread, workerData } from 'node:worker_threads';

const entry = isMainThread ? process.argv[2] : workerData?.entry;
if (typeof entry !== 'string') throw new Error('tsEntry.mjs: no entry module given');
if (entry.endsWith('.ts')) {
  const { register } = await import('tsx/esm/api');
  register();
}
await import(entry);
