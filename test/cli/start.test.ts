import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot, seedsDir, tempDir } from '../ingest/pipelineFixture.js';

const indexDir = tempDir('start-index');
afterAll(() => fs.rmSync(indexDir, { recursive: true, force: true }));

/** Runs `npm start`'s entry point with lines on stdin; resolves with everything it printed. */
function startWith(lines: string[], corpusDir = seedsDir): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/start.ts'], {
      cwd: repoRoot,
      env: { ...process.env, CORPUS_DIR: corpusDir, INDEX_DIR: indexDir, LOG_LEVEL: 'silent', TELEGRAM_BOT_TOKEN: '' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(`${lines.join('\n')}\n`);
  });
}

describe('npm start (terminal chat)', () => {
  it('builds the index, answers with a citation, shows the original, refuses what the documents lack, lists sources', async () => {
    const run = await startWith([
      '县里一共给中小学配了多少套“班班通”？',
      'a',
      '库车市的学校要按多少名学生配一名校医？',
      '/sources',
    ]);
    expect(run.code).toBe(0);
    const out = run.stdout;
    expect(out).toContain('还没有索引，正在建立索引');
    expect(out).toMatch(/索引完成：新收录 5 个文件/u);
    expect(out).toMatch(/根据文件原文：\n“[^\n]*1448套[^\n]*”\[1\]/u);
    expect(out).toMatch(/\[1\] 《[^》]+》/u);
    expect(out).toContain('〔A〕查看原文 [1]');
    expect(out).toContain('建成计算机教室76个');
    expect(out).toContain('文件里没有关于「库车市」的内容');
    expect(out).toMatch(/已收录 5 个文件，共 \d+ 段/u);
  });

  it('starts on the existing index without rebuilding it', async () => {
    const run = await startWith(['/sources', 'z']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('没有这个选项');
    expect(run.stdout).not.toContain('正在建立索引');
    expect(run.stdout).toMatch(/已收录 5 个文件/u);
  });

  it('does not give up when another ingest holds the lock: it answers from the current index and says so', async () => {
    // A corpus with one more document than the index, and the lock held by a live process (an ingest outliving a killed bot).
    const corpus = tempDir('start-busy-corpus');
    for (const f of fs.readdirSync(seedsDir)) fs.copyFileSync(path.join(seedsDir, f), path.join(corpus, f));
    fs.writeFileSync(path.join(corpus, '新增.md'), '# 青禾县课后服务细则\n\n课后服务每天结束时间不早于17:30。\n');
    const holder = spawn('sleep', ['30']);
    fs.writeFileSync(path.join(indexDir, 'ingest.lock'), JSON.stringify({ pid: holder.pid, startedAt: new Date().toISOString() }));
    try {
      const run = await startWith(['/sources'], corpus);
      expect(run.code).toBe(0);
      expect(run.stdout).toContain('另一个索引任务正在进行');
      expect(run.stdout).toContain('先用现有的索引回答');
      expect(run.stdout).toMatch(/已收录 5 个文件/u);
    } finally {
      holder.kill();
      fs.rmSync(path.join(indexDir, 'ingest.lock'), { force: true });
      fs.rmSync(corpus, { recursive: true, force: true });
    }
  });
});
