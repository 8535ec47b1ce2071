import fs from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, describe, expect, it } from 'vitest';
import { CL } from '../../src/checklist/dialogue.js';
import { reportWorkbook } from '../../src/checklist/reportFile.js';
import { tempDir } from '../ingest/pipelineFixture.js';
import { all, dialogueOver, labels } from './dialogueFixture.js';

const work = tempDir('report-file');
const rig = dialogueOver(path.join(work, 'state.db'));
afterAll(() => {
  rig.db.close();
  fs.rmSync(work, { recursive: true, force: true });
});

/** 青禾县城关第二小学 from the shared county table, its 在校学生数 typed as an estimate. */
const CHENGGUAN = ['约2360', '一百一十八', '30', '２４', '9912平方米', '14160㎡', '519.2万元', '58间'];
const SOURCE_SPORT = '《县域义务教育优质均衡发展督导评估办法》（教督〔2017〕6号）第六条第（五）项';

/** The sheet's rows as arrays of cell values (column A first). */
async function sheetRows(user: string): Promise<unknown[][]> {
  const report = rig.dialogue.finishedReport(user)!;
  const doc = await reportWorkbook(report);
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(doc.bytes as unknown as Parameters<typeof wb.xlsx.load>[0]);
  const ws = wb.worksheets[0]!;
  const rows: unknown[][] = [];
  ws.eachRow((row) => rows.push((row.values as unknown[]).slice(1)));
  return rows;
}

const rowStarting = (rows: unknown[][], first: string) => rows.find((r) => r[0] === first);

function runSchool(user: string, name: string | null): string {
  rig.dialogue.start(user);
  const asked = rig.press(user, CL.school);
  if (name) rig.say(user, name);
  rig.press(user, CL.stage('primary'));
  let text = all(asked);
  for (const figure of CHENGGUAN) {
    const r = rig.say(user, figure);
    text += `\n${all(r)}`;
    if (figure.startsWith('约')) text += `\n${all(rig.press(user, CL.confirmYes))}`;
  }
  return text;
}

describe('the school report a 督导室 files', () => {
  it('asks for the school name as a short optional question, with the stage buttons beside it', () => {
    rig.dialogue.start('eve');
    const asked = rig.press('eve', CL.school);
    expect(all(asked)).toMatch(/^学校名称（可跳过）/u);
    expect(labels(asked)).toEqual(['小学', '初中']);
    expect(all(rig.say('eve', '2360'))).toContain('这里填的是名称，不是数字');
    const saved = rig.say('eve', '青禾县城关第二小学');
    expect(all(saved)).toContain('已记下名称：青禾县城关第二小学。');
    expect(labels(saved)).toEqual(['小学', '初中']);
    expect(all(rig.press('eve', CL.stage('primary')))).toContain('（1/8）请输入在校学生数');
  });

  it('the Excel file carries the name, stage, date, every figure as typed with 估计值 marked, the value, standard, verdict and source', async () => {
    runSchool('fay', '青禾县城关第二小学');
    const rows = await sheetRows('fay');
    expect(rowStarting(rows, '学校')).toEqual(['学校', '青禾县城关第二小学']);
    expect(rowStarting(rows, '学段')).toEqual(['学段', '小学']);
    expect(String(rowStarting(rows, '日期')![1])).toMatch(/^\d{4}年\d{1,2}月\d{1,2}日$/u);
    expect(rowStarting(rows, '完成情况')).toEqual(['完成情况', '已全部填写']);

    expect(rowStarting(rows, '在校学生数')).toEqual(['在校学生数', '约2360', 2360, '人', '估计值']);
    expect(rowStarting(rows, '高于规定学历的专任教师数')).toEqual(['高于规定学历的专任教师数', '一百一十八', 118, '人', '']);
    expect(rowStarting(rows, '体育运动场馆面积（室内场馆＋室外场地）')!.slice(0, 4)).toEqual(['体育运动场馆面积（室内场馆＋室外场地）', '14160㎡', 14160, '平方米']);
    expect(rowStarting(rows, '教学仪器设备值')!.slice(0, 4)).toEqual(['教学仪器设备值', '519.2万元', 519.2, '万元']);

    const sport = rowStarting(rows, '生均体育运动场馆面积')!;
    expect(sport.slice(0, 5)).toEqual(['生均体育运动场馆面积', 6, '平方米/生', '≥ 7.5', '未达标']);
    expect(sport[5]).toContain('还差 1.5 平方米/生，约 3540 平方米');
    expect(sport[6]).toBe(SOURCE_SPORT);
    expect(rows.some((r) => String(r[0]).startsWith('结论：未达到要求：7 项中 5 项达标'))).toBe(true);
  });

  it('the chat report says the same: name, date, figures as typed with the estimate marked', () => {
    const text = runSchool('gus', '青禾县城关第二小学');
    expect(text).toMatch(/学校：青禾县城关第二小学　学段：小学　日期：\d{4}年/u);
    expect(text).toContain('· 在校学生数：2360 人（原填“约2360”，估计值）');
    expect(text).toContain('· 体育运动场馆面积（室内场馆＋室外场地）：14160 平方米（原填“14160㎡”）');
  });

  it('without a name the report says so instead of leaving it out', async () => {
    const text = runSchool('hal', null);
    expect(text).toContain('学校：未填写');
    expect(rowStarting(await sheetRows('hal'), '学校')).toEqual(['学校', '（未填写）']);
  });
});
