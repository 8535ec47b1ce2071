import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot, seedsDir, tempDir } from '../ingest/pipelineFixture.js';

const indexDir = tempDir('start-index');
afterAll(() => fs.rmSync(indexDir, { recursive: true, force: true }));

/** Runs `npm start`'s entry point with lines on stdin; resolves with everything it printed. */
function startWith(lines: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/start.ts'], {
      cwd: repoRoot,
      env: { ...process.env, CORPUS_DIR: seedsDir, INDEX_DIR: indexDir, LOG_LEVEL: 'silent', TELEGRAM_BOT_TOKEN: '' },
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
});
