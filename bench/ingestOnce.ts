import { loadConfig } from '../src/config.js';
import { configuredEmbedder } from '../src/index/embedderChoice.js';
import { runIngest } from '../src/ingest/pipeline.js';

/** One ingest in a fresh process; prints its figures as JSON (peak RSS is this process's own). */
const [indexDir, ...dirs] = process.argv.slice(2);
if (!indexDir || dirs.length === 0) throw new Error('usage: ingestOnce INDEX_DIR DIR...');
const s = await runIngest({ dirs, indexDir, embedder: await configuredEmbedder(loadConfig(process.env)), maxFileBytes: 1024 ** 3 });
process.stdout.write(
  `${JSON.stringify({
    seconds: s.seconds,
    indexed: s.indexed,
    unchanged: s.unchanged,
    rejected: s.rejected,
    passages: s.passages,
    textChars: s.textChars,
    perFile: s.outcomes.map((o) => ({ source: o.source, status: o.status, passages: 'passages' in o ? o.passages : 0 })),
    maxRssMB: process.resourceUsage().maxRSS / 1024,
  })}\n`,
);
