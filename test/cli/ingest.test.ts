import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fixturesDir, repoRoot, tempDir } from '../ingest/pipelineFixture.js';

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
