import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildSyntheticCorpus } from './synthetic.js';

/**
 * Ingestion benchmark: the seeds, a synthetic corpus of ≥ 50 MB generated
 * from them, and the re-ingest of an unchanged corpus. Each ingest runs in
 * its own process so that its peak RSS is its own.
 */
const root = path.resolve(import.meta.dirname, '..');
const seedsDir = path.resolve(root, '../shared/seeds');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'junheng-bench-'));
const SYNTHETIC_MB = Number(process.env.BENCH_SYNTHETIC_MB ?? 52);

interface Run {
  seconds: number;
  indexed: number;
  unchanged: number;
  rejected: number;
  passages: number;
  textChars: number;
  perFile: { source: string; status: string; passages: number }[];
  maxRssMB: number;
}

function ingest(indexDir: string, dir: string): Run {
  const out = execFileSync(process.execPath, ['--import', 'tsx', path.join(root, 'bench/ingestOnce.ts'), indexDir, dir], {
    cwd: root,
    env: { ...process.env, LOG_LEVEL: 'silent' },
    maxBuffer: 64 * 1024 * 1024,
  });
  return JSON.parse(out.toString()) as Run;
}

function folderBytes(dir: string): number {
  return fs.readdirSync(dir).reduce((n, f) => n + fs.statSync(path.join(dir, f)).size, 0);
}

/** Throughput of a full ingest. */
function report(label: string, bytes: number, r: Run): void {
  const mb = bytes / 1024 / 1024;
  console.log(
    `${label.padEnd(32)} ${mb.toFixed(2).padStart(7)} MB  ${r.seconds.toFixed(2).padStart(7)} s  ` +
      `${(mb / r.seconds).toFixed(2).padStart(6)} MB/s  ${r.passages.toString().padStart(7)} passages  ` +
      `${(r.passages / r.seconds).toFixed(0).padStart(6)} passages/s  peak RSS ${r.maxRssMB.toFixed(0)} MB`,
  );
}

/** A re-ingest: what counts is its wall time and how little it re-read. */
function reportRerun(label: string, r: Run): void {
  console.log(
    `${label.padEnd(32)} ${r.seconds.toFixed(2).padStart(7)} s  re-read ${r.indexed}, kept ${r.unchanged} files, ` +
      `${r.passages} passages in the index  peak RSS ${r.maxRssMB.toFixed(0)} MB`,
  );
}

try {
  console.log(`junheng ingest benchmark — node ${process.version}, ${os.cpus().length} cores, ${(os.totalmem() / 1024 ** 3).toFixed(0)} GiB`);
  const seedBytes = folderBytes(seedsDir);
  const seeds = ingest(path.join(work, 'index-seeds'), seedsDir);
  report('seeds (5 files)', seedBytes, seeds);
  console.log(`  passages per seed: ${seeds.perFile.map((f) => `${f.source.slice(0, 3)}=${f.passages}`).join(', ')}`);
  const seedsAgain = ingest(path.join(work, 'index-seeds'), seedsDir);
  reportRerun('seeds, unchanged re-ingest', seedsAgain);

  const synthetic = path.join(work, 'synthetic');
  buildSyntheticCorpus(seedsDir, synthetic, SYNTHETIC_MB * 1024 * 1024);
  const synBytes = folderBytes(synthetic);
  const syn = ingest(path.join(work, 'index-synthetic'), synthetic);
  report(`synthetic (${fs.readdirSync(synthetic).length} files)`, synBytes, syn);
  const synAgain = ingest(path.join(work, 'index-synthetic'), synthetic);
  reportRerun('synthetic, unchanged re-ingest', synAgain);
  const first = path.join(synthetic, fs.readdirSync(synthetic).sort()[0]!);
  fs.appendFileSync(first, '\n附则：本汇编自印发之日起施行。\n');
  const synOne = ingest(path.join(work, 'index-synthetic'), synthetic);
  reportRerun('synthetic, 1 file changed', synOne);
} finally {
  fs.rmSync(work, { recursive: true, force: true });
}
