import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { CountyJson } from '../../src/checklist/county.js';
import { fixturePath } from '../helpers/shared.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const CJK = /[\u4e00-\u9fff]/u;

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

function assess(args: string[]) {
  return spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/assess.ts', ...args], {
    cwd: repoRoot,
    env: { ...process.env, LOG_LEVEL: 'silent' },
    encoding: 'utf8',
  });
}

function json(file: string): CountyJson {
  const r = assess([fixturePath(file), '--json']);
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return JSON.parse(r.stdout) as CountyJson;
}

describe('npm run assess', () => {
  it('prints the same JSON for the CSV and the .xlsx', () => {
    const c = json('schools-county.csv');
    const x = json('schools-county.xlsx');
    expect(x).toEqual(c);
    expect(c.schools).toHaveLength(13);
    expect(c.schools[0]).toMatchObject({ name: '青禾县实验小学', stage: '小学', line: 2, verdict: 'met', failed: [] });
    expect(Object.keys(c.schools[0]!.indicators)).toEqual(['high_edu', 'backbone', 'pe_art', 'room', 'sport', 'equip', 'media']);
    expect(c.schools.find((s) => s.name === '东坪镇中心小学')!.indicators['equip']).toBeCloseTo(2299.8379, 3); // full precision
    expect(c.balance).toEqual({ 小学: 'met', 初中: 'met' });
    expect(c.cv.小学!['backbone']).toBeCloseTo(0.193, 3);
    expect(c.verdict).toBe('not-met');
    expect(c.reasons.join('')).toContain('柳湾村小学');
    expect(c.rejectedRows).toEqual([]);
    expect(c.warnings).toEqual([]);
  });

  it('lists every bad row of schools-bad.csv with its reason and still assesses the rest', () => {
    const b = json('schools-bad.csv');
    expect(b.schools).toHaveLength(9);
    const byLine = new Map(b.rejectedRows.map((r) => [r.line, r]));
    expect([...byLine.keys()].sort((x, y) => x - y)).toEqual([2, 6, 7, 10, 13]);
    expect(byLine.get(2)).toMatchObject({ name: '青禾县实验小学' });
    expect(byLine.get(6)).toMatchObject({ name: '青禾县实验小学' });
    expect(byLine.get(2)!.reasons.join('')).toMatch(/重复.*第 2 行、第 6 行/u);
    expect(byLine.get(7)!.reasons.join('')).toMatch(/体育运动场馆面积.*负数/u);
    expect(byLine.get(10)!.reasons.join('')).toMatch(/在校学生数.*约300/u);
    expect(byLine.get(13)!.reasons.join('')).toMatch(/网络多媒体教室数.*没有填写/u);
    expect(b.warnings).toEqual([
      { line: 4, name: '东坪镇中心小学', message: expect.stringMatching(/在校学生数.*1,234.*1234/u) },
      { line: 12, name: '青禾县实验中学', message: expect.stringMatching(/专任教师数.*１２３.*123/u) },
    ]);
    expect(b.verdict).toBe('not-met');
  });

  it('prints a readable Chinese report naming the 差异系数 and the schools that fail', () => {
    const r = assess([fixturePath('schools-county.csv')]);
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('差异系数');
    expect(r.stdout).toContain('县域结论：未达标');
    for (const name of ['青禾县城关第二小学', '柳湾村小学', '石桥乡小学', '东坪镇中学', '石桥乡中学']) {
      expect(r.stdout).toMatch(new RegExp(`${name} {2}\\d/7 项 · 未达标`, 'u'));
    }
    expect(r.stdout).toMatch(/青禾县实验小学 {2}7\/7 项 · 达标/u);

    const bad = assess([fixturePath('schools-bad.csv')]);
    expect(bad.status).toBe(0);
    expect(bad.stdout).toMatch(/第 10 行 北岭乡小学：.*约300/u);
    expect(bad.stdout).toMatch(/第 12 行 青禾县实验中学：.*１２３/u);
  });

  it('exits 1 with a Chinese message when the file cannot be read', () => {
    for (const file of [fixturePath('corrupt.pdf'), fixturePath('no-such-file.csv'), fixturePath('legacy.doc')]) {
      const r = assess([file, '--json']);
      expect(r.status, file).toBe(1);
      expect(r.stdout, file).toBe('');
      expect(r.stderr, file).toMatch(CJK);
      expect(r.stderr, file).not.toMatch(/at .*\.ts:\d+/u); // no stack trace
    }
    const missing = assess([]);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/用法/u);
  });

  it('exits 1 when no row is usable, after listing why', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'assess-'));
    dirs.push(dir);
    const file = path.join(dir, 'all-bad.csv');
    const lines = fs.readFileSync(fixturePath('schools-county.csv'), 'utf8').trimEnd().split('\n');
    fs.writeFileSync(file, `${[lines[0], ...lines.slice(1, 4).map((l) => l.replace(/,\d+$/u, ',约40'))].join('\n')}\n`);
    const r = assess([file]);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/第 2 行 青禾县实验小学：.*网络多媒体教室数.*约40/u);
    expect(r.stderr).toMatch(/没有一行数据可用/u);
  });
});
