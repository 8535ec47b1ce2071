import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../src/config.js';
import { configuredPipelineLabel } from '../src/eval/run.js';
import { buildSyntheticCorpus } from './synthetic.js';

/**
 * Answer benchmark: warm latency over the dev questions on the seeds, then a
 * synthetic corpus of at least 100 000 passages generated from the seeds —
 * its build time, answer latency and peak memory. Each step in its own process.
 */
const root = path.resolve(import.meta.dirname, '..');
const shared = path.resolve(root, '../shared');
const questions = path.join(shared, 'eval/dev.jsonl');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'junheng-answer-bench-'));
const TARGET_PASSAGES = Number(process.env.BENCH_PASSAGES ?? 100_000);

function node(script: string, args: string[]): string {
  return execFileSync(process.execPath, ['--import', 'tsx', path.join(root, script), ...args], {
    cwd: root,
    env: { ...process.env, LOG_LEVEL: 'silent' },
    maxBuffer: 64 * 1024 * 1024,
  }).toString();
}

interface Latency { passages: number; openMs: number; answers: number; p50: number; p95: number; max: number; repeatedP95: number; maxRssMB: number }
interface Build { seconds: number; passages: number; maxRssMB: number }

function latency(label: string, indexDir: string): void {
  const l = JSON.parse(node('bench/answerOnce.ts', [indexDir, questions, '3'])) as Latency;
  console.log(
    `${label.padEnd(30)} ${l.passages.toString().padStart(7)} passages  open ${(l.openMs / 1000).toFixed(2)} s  ` +
      `${l.answers} questions: p50 ${l.p50.toFixed(1)} ms  p95 ${l.p95.toFixed(1)} ms  max ${l.max.toFixed(1)} ms ` +
      `(asked again: p95 ${l.repeatedP95.toFixed(1)} ms)  peak RSS ${l.maxRssMB.toFixed(0)} MB`,
  );
}

console.log(configuredPipelineLabel(loadConfig(process.env)));
try {
  const seedsIndex = path.join(work, 'index-seeds');
  node('bench/ingestOnce.ts', [seedsIndex, path.join(shared, 'seeds')]);
  latency('seeds, warm', seedsIndex);

  const corpus = path.join(work, 'synthetic');
  // ~1.05 passages per KB of seed text (measured: 56 985 from 52 MB, 97 755 from 91 MB); aim a little above.
  buildSyntheticCorpus(path.join(shared, 'seeds'), corpus, TARGET_PASSAGES * 1024);
  const bigIndex = path.join(work, 'index-big');
  const build = JSON.parse(node('bench/ingestOnce.ts', [bigIndex, corpus])) as Build;
  console.log(
    `${'synthetic build'.padEnd(30)} ${build.passages.toString().padStart(7)} passages  ${build.seconds.toFixed(1)} s  ` +
      `${(build.passages / build.seconds).toFixed(0)} passages/s  peak RSS ${build.maxRssMB.toFixed(0)} MB`,
  );
  latency('synthetic, warm', bigIndex);
} finally {
  fs.rmSync(work, { recursive: true, force: true });
}
