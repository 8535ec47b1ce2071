import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { skippedLines, summaryText } from '../../src/cli/ingestReport.js';
import type { IngestSummary } from '../../src/ingest/pipeline.js';
import { writeDocxBomb } from '../ingest/generate.js';
import { fixturesDir, repoRoot, SEEDS, seedsDir, tempDir } from '../ingest/pipelineFixture.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

function ingest(args: string[], indexDir: string) {
  return spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/ingest.ts', ...args], {
    cwd: repoRoot,
    env: { ...process.env, INDEX_DIR: indexDir, LOG_LEVEL: 'silent' },
    encoding: 'utf8',
  });
}

describe('npm run ingest', () => {
  it('indexes the fixtures, lists each rejected file with its Chinese reason, and exits 0', () => {
    const indexDir = tempDir('cli-index');
    dirs.push(indexDir);
    const r = ingest([fixturesDir], indexDir);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/索引完成：新收录 11 个文件，未变化 0 个，未收录 12 个；索引共 \d+ 段，用时 [\d.]+ 秒。/);
    expect(r.stdout).toMatch(/legacy\.doc：.*另存为 \.docx/);
    expect(r.stdout).toMatch(/scanned\.pdf：.*扫描件/);
    expect(r.stdout).toMatch(/encrypted\.pdf：.*加密/);
    // Not a TTY: one line per file instead of a progress bar.
    expect(r.stdout.match(/^\[\d+\/23\] /gm)).toHaveLength(23);
  });

  it('exits 1 and keeps no partial index when nothing can be indexed', () => {
    const indexDir = tempDir('cli-index');
    const junk = tempDir('cli-junk');
    dirs.push(indexDir, junk);
    fs.writeFileSync(path.join(junk, 'empty.txt'), '');
    const r = ingest([junk], indexDir);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/没有任何文件可以收录/);
    expect(fs.existsSync(path.join(indexDir, 'CURRENT'))).toBe(false);
  });

  it('says in Chinese when the folder does not exist', () => {
    const indexDir = tempDir('cli-index');
    dirs.push(indexDir);
    const r = ingest([path.join(indexDir, 'nope')], indexDir);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/找不到语料文件夹/);
  });
});

describe('the ingest summary', () => {
  const summary = (skipped: IngestSummary['skipped']): IngestSummary => ({
    generation: 'g',
    outcomes: [{ status: 'rejected', source: 'bomb.docx', code: 'too-large', message: 'DOCX 文件解压后过大（文档内容约 150.3 MB，上限 20 MB），无法读取' }],
    indexed: 1,
    unchanged: 0,
    rejected: 1,
    passages: 9,
    textChars: 900,
    seconds: 1.25,
    skipped,
  });

  it('counts and lists skipped hidden files and links, in Chinese', () => {
    const text = summaryText(summary([
      { source: '.draft.md', kind: 'hidden' },
      { source: 'link.pdf', kind: 'symlink' },
    ]));
    expect(text.split('\n')).toEqual([
      '索引完成：新收录 1 个文件，未变化 0 个，未收录 1 个；索引共 9 段，用时 1.3 秒。',
      '未收录的文件：',
      '  - bomb.docx：DOCX 文件解压后过大（文档内容约 150.3 MB，上限 20 MB），无法读取',
      '跳过 2 个隐藏文件或链接：.draft.md、link.pdf',
    ]);
  });

  it('says nothing of skipped entries when there are none, and shortens long lists', () => {
    expect(summaryText(summary([]))).not.toContain('跳过');
    const many = Array.from({ length: 12 }, (_, i) => ({ source: `.h${i}`, kind: 'hidden' as const }));
    expect(skippedLines([...many, { source: 'fifo', kind: 'special' }])).toEqual([
      '跳过 12 个隐藏文件或链接：.h0、.h1、.h2、.h3、.h4、.h5、.h6、.h7、.h8、.h9 等 12 个',
      '跳过 1 个特殊文件（不是普通文件）：fifo',
    ]);
  });
});

describe('npm run ingest with bad entries among good files', () => {
  it('indexes the good file, rejects the zip bomb, lists hidden files and links, and exits 0', async () => {
    const indexDir = tempDir('cli-index');
    const corpus = tempDir('cli-corpus');
    dirs.push(indexDir, corpus);
    fs.copyFileSync(path.join(seedsDir, SEEDS[0]!), path.join(corpus, SEEDS[0]!));
    await writeDocxBomb(path.join(corpus, 'xml-bomb.docx'), 150 * 1024 * 1024);
    fs.writeFileSync(path.join(corpus, '.draft.md'), '# 草稿\n');
    fs.symlinkSync(path.join(fixturesDir, '002-report.pdf'), path.join(corpus, 'link.pdf'));
    const r = ingest([corpus], indexDir);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/索引完成：新收录 1 个文件，未变化 0 个，未收录 1 个；/);
    expect(r.stdout).toMatch(/xml-bomb\.docx：DOCX 文件解压后过大（文档内容约 150\.\d MB，上限 20 MB），无法读取/);
    expect(r.stdout).toContain('跳过 2 个隐藏文件或链接：.draft.md、link.pdf');
  });
});
