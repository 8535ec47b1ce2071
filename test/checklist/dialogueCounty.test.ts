import fs from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, describe, expect, it } from 'vitest';
import type { Reply } from '../../src/chat/types.js';
import { CL, needsStage, questionsOf } from '../../src/checklist/dialogue.js';
import { checklistById } from '../../src/checklist/load.js';
import { reportWorkbook } from '../../src/checklist/reportFile.js';
import { tempDir } from '../ingest/pipelineFixture.js';
import { all, checklists, dialogueOver, labels } from './dialogueFixture.js';

const work = tempDir('county-items');
const rig = dialogueOver(path.join(work, 'state.db'));
afterAll(() => {
  rig.db.close();
  fs.rmSync(work, { recursive: true, force: true });
});

const county = checklistById(checklists, 'youzhi-2017-county');
const isStageQuestion = (r: Reply[]) => labels(r).includes('小学') && labels(r).includes('初中');

/** /checklist → 县域评估 → 改为逐项填写县级指标, and the county's name. */
function beginItems(user: string, name: string | null): Reply[] {
  rig.dialogue.start(user);
  rig.press(user, CL.county);
  const asked = rig.press(user, CL.countyItems);
  expect(all(asked)).toMatch(/^县（市、区）名称（可跳过）/u);
  return name ? rig.say(user, name) : rig.press(user, CL.skip);
}

describe('county items speak of the county', () => {
  it('asks no 学段 before the county-wide items and never says 本校', () => {
    const questions = questionsOf(county);
    const firstPerSchool = questions.findIndex((q) => needsStage(county, q));
    expect(firstPerSchool).toBeGreaterThan(0);
    expect(questions.slice(firstPerSchool).every((q) => needsStage(county, q))).toBe(true);
    for (const q of questions) expect(q.kind === 'field' ? `${q.field.name}${q.field.hint ?? ''}` : q.indicator.question).not.toContain('本校');

    let replies = beginItems('ivy', '青禾县');
    expect(all(replies)).toContain('已记下名称：青禾县。');
    const seen: string[] = [];
    // Skip through every county-wide question: none is a 学段 question, none says 本校.
    while (!isStageQuestion(replies)) {
      const text = all(replies);
      seen.push(text);
      expect(text).not.toContain('本校');
      replies = rig.press('ivy', CL.skip);
    }
    expect(seen[0]).toMatch(/（1\/\d+）本县通过国家义务教育基本均衡发展认定/u);
    expect(seen.length).toBe(firstPerSchool);
    expect(all(replies)).toMatch(/每所学校都要达到的.*请选一所学校核对/u);
    expect(labels(replies)).toContain('跳过这些项');
    const perSchool = rig.press('ivy', CL.stage('primary'));
    expect(all(perSchool)).toContain('请输入该校班级数');
    expect(all(perSchool)).toContain('逐校项目：按您选定核对的那所小学填写');
    expect(all(perSchool)).not.toContain('本校');
  });

  it('shows a per-12-classes item as rooms needed / present / missing: 30 classes, 2 music rooms → 要 3 间，有 2 间，差 1 间', () => {
    let replies = beginItems('jon', null);
    while (!isStageQuestion(replies)) replies = rig.press('jon', CL.skip);
    rig.press('jon', CL.stage('primary'));
    rig.say('jon', '30');
    const verdict = all(rig.say('jon', '2'));
    expect(verdict).toContain('❌ 未达标　音乐专用教室配备（每12个班级至少1间）：该校班级数 30 个，要 3 间，有 2 间，差 1 间');
    expect(verdict).not.toMatch(/0\.67|0\.33|间\/每12班/u);
    expect(all(rig.say('jon', '3'))).toContain('✅ 达标　美术专用教室配备（每12个班级至少1间）：该校班级数 30 个，要 3 间，有 3 间');
  });
});

describe('an unfinished county report says it is unfinished', () => {
  it('with 41 of 47 items unanswered the conclusion reads 未完成：41 项未填，结论不完整 and lists what is missing, in the chat and in the Excel file', async () => {
    let replies = beginItems('kim', '青禾县');
    for (let k = 0; k < 5; k++) replies = rig.press('kim', CL.yes);
    while (!isStageQuestion(replies)) replies = rig.press('kim', CL.skip);
    rig.press('kim', CL.stage('primary'));
    rig.say('kim', '30');
    replies = rig.say('kim', '2');
    while (!all(replies).includes('【自查报告】')) replies = rig.press('kim', CL.skip);
    const text = all(replies);
    expect(county.indicators).toHaveLength(47);
    expect(text).toContain('结论：未完成：41 项未填，结论不完整。已填的 6 项中有 1 项未达标：音乐专用教室配备（每12个班级至少1间）。');
    expect(text).toMatch(/未填（41 项）：\n[^\n]*学校布局规划合理|未填（41 项）：\n[^\n]*城乡生均公用经费基准定额统一/u);
    expect(text).toContain('县（市、区）：青禾县　学段：县级指标不分学段；逐校项目按小学核对');

    const doc = await reportWorkbook(rig.dialogue.finishedReport('kim')!);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(doc.bytes as unknown as Parameters<typeof wb.xlsx.load>[0]);
    const rows: unknown[][] = [];
    wb.worksheets[0]!.eachRow((row) => rows.push((row.values as unknown[]).slice(1)));
    const starting = (first: string) => rows.find((r) => r[0] === first);
    expect(starting('县（市、区）')).toEqual(['县（市、区）', '青禾县']);
    expect(starting('完成情况')).toEqual(['完成情况', '未完成：41 项未填，结论不完整']);
    expect(rows.some((r) => String(r[0]).startsWith('未填的项目（41 项）：') && String(r[0]).includes('社会认可度'))).toBe(true);
    const music = starting('音乐专用教室配备（每12个班级至少1间）')!;
    expect(music.slice(0, 6)).toEqual(['音乐专用教室配备（每12个班级至少1间）', 2, '间', '要 3 间', '未达标', '该校班级数 30 个，要 3 间，有 2 间，差 1 间']);
    expect(starting('该校班级数')!.slice(0, 4)).toEqual(['该校班级数', '30', 30, '个']);
    expect(starting('特殊教育学校年度公用经费')!.at(-1)).toBe('跳过');
  });
});
