import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checklistById, loadChecklists } from '../../src/checklist/load.js';
import { buildReport, reportBlocks, rowText } from '../../src/checklist/report.js';
import type { Answer } from '../../src/checklist/run.js';
import { plainText } from '../../src/present/blocks.js';
import { repoRoot } from '../ingest/pipelineFixture.js';

const checklists = loadChecklists(path.join(repoRoot, 'corpus/checklists'));
const county = checklistById(checklists, 'youzhi-2017-county');
const resource = checklistById(checklists, 'youzhi-2017-resource');
const value = (v: number, extra: Partial<Extract<Answer, { status: 'value' }>> = {}): Answer => ({ status: 'value', value: v, ...extra });
const row = (r: ReturnType<typeof buildReport>, id: string) => r.rows.find((x) => x.indicator.id === id)!;

describe('per-12-classes items', () => {
  it('are rooms needed / present / missing with the standard’s rounding (30 classes, 2 music rooms → 要 3 间，有 2 间，差 1 间)', () => {
    const r = buildReport(county, 'primary', { classes: value(30), music_rooms: value(2) });
    const music = row(r, 'gov03a_music_rooms');
    expect(music.rooms).toMatchObject({ base: 30, needed: 3, present: 2, unit: '间' });
    expect(music.status).toBe('fail');
    const text = rowText(music, 'primary');
    expect(text).toContain('要 3 间，有 2 间，差 1 间');
    expect(text).not.toMatch(/0\.67|0\.33|间\/每12班/u);
    expect(plainText(reportBlocks(r))).toContain('音乐专用教室配备（每12个班级至少1间）：要 3 间，有 2 间');
  });

  it('count a school under 12 classes as needing one room, and 24 classes as two', () => {
    expect(row(buildReport(county, 'primary', { classes: value(6), music_rooms: value(1) }), 'gov03a_music_rooms')).toMatchObject({ status: 'pass', rooms: { needed: 1 } });
    expect(row(buildReport(county, 'primary', { classes: value(24), music_rooms: value(2) }), 'gov03a_music_rooms')).toMatchObject({ status: 'pass', rooms: { needed: 2 } });
  });
});

describe('an incomplete county report', () => {
  it('never reads as a conclusion: 未完成：N 项未填，结论不完整, with what is missing', () => {
    const answers: Record<string, Answer> = {
      pre01_jiben_3years: { status: 'yes' },
      pre02_monitoring: { status: 'yes' },
      gov01_layout: { status: 'yes' },
      gov02a_building_standard: { status: 'yes' },
      gov02b_staffing_standard: { status: 'yes' },
      classes: value(30),
      music_rooms: value(2),
      special_ed_public_funds: { status: 'skipped' },
    };
    const r = buildReport(county, 'primary', answers);
    expect(r.complete).toBe(false);
    expect(r.missing).toHaveLength(41);
    expect(r.verdictText).toMatch(/^未完成：41 项未填，结论不完整。/u);
    expect(plainText(reportBlocks(r))).toMatch(/未填（41 项）：\n城乡生均公用经费基准定额统一、/u);
  });

  it('is complete only when every item has a verdict', () => {
    const answers: Record<string, Answer> = {};
    for (const ind of county.indicators) if (ind.kind === 'boolean') answers[ind.id] = { status: 'yes' };
    const r = buildReport(county, null, answers);
    expect(r.complete).toBe(false);
    expect(r.verdictText).not.toMatch(/全部达标/u);
  });
});

describe('the raw figures in a report', () => {
  it('keep the text as typed and mark a confirmed estimate 估计值', () => {
    const r = buildReport(resource, 'primary', { students: value(25, { raw: '约25', estimate: true }), sport_area: value(14160, { raw: '14160㎡' }) }, { name: '柳湾村小学', date: new Date(2025, 2, 1) });
    const text = plainText(reportBlocks(r));
    expect(text).toContain('学校：柳湾村小学　学段：小学　日期：2025年3月1日');
    expect(text).toContain('· 在校学生数：25 人（原填“约25”，估计值）');
    expect(text).toContain('· 体育运动场馆面积（室内场馆＋室外场地）：14160 平方米（原填“14160㎡”）');
  });

  it('never show a failing value as its threshold (4.497 against ≥ 4.5), nor its gap as 0', () => {
    const r = buildReport(resource, 'primary', { students: value(1000), room_area: value(4497) });
    const text = rowText(row(r, 'room'), 'primary');
    expect(text).toContain('生均教学及辅助用房面积：4.497 平方米/生，标准（小学） ≥ 4.5');
    expect(text).toContain('还差 0.003 平方米/生，约 3 平方米');
  });
});
