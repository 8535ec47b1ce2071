import fs from 'node:fs';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { FileRejectedError, JunhengError } from '../../src/errors.js';
import { MissingColumnsError, readSchoolTable, type SchoolTable } from '../../src/checklist/spreadsheet.js';
import { fixturePath } from '../helpers/shared.js';

const countyCsv = fs.readFileSync(fixturePath('schools-county.csv'));
const countyXlsx = fs.readFileSync(fixturePath('schools-county.xlsx'));
const badCsv = fs.readFileSync(fixturePath('schools-bad.csv'));

const CJK = /[\u4e00-\u9fff]/u;

/** The CSV text with a transformation applied to each line (header = index 0). */
function editCsv(fn: (cells: string[], index: number) => string[] | null): Buffer {
  const lines = countyCsv.toString('utf8').trimEnd().split('\n');
  const out = lines.map((l, i) => fn(l.split(','), i)).filter((c): c is string[] => c !== null);
  return Buffer.from(`${out.map((c) => c.join(',')).join('\n')}\n`, 'utf8');
}

async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error('expected the call to reject');
}

function comparable(t: SchoolTable) {
  return t.rows.map(({ line, name, stage, answers }) => ({ line, name, stage, answers }));
}

describe('readSchoolTable: schools-county', () => {
  it('reads all 13 schools of the CSV with no rejection or warning', async () => {
    const t = await readSchoolTable(countyCsv, 'schools-county.csv');
    expect(t.format).toBe('csv');
    expect(t.rows).toHaveLength(13);
    expect(t.rejected).toEqual([]);
    expect(t.warnings).toEqual([]);
    expect(t.rows.every((r) => r.warnings.length === 0)).toBe(true);
    expect(t.rows.filter((r) => r.stage === 'primary')).toHaveLength(8);
    expect(t.rows.filter((r) => r.stage === 'junior')).toHaveLength(5);
    expect(t.rows[0]).toEqual({
      line: 2,
      name: '青禾县实验小学',
      stage: 'primary',
      answers: {
        students: 1850,
        teachers: 98,
        high_edu_teachers: 95,
        backbone_teachers: 26,
        pe_art_teachers: 20,
        room_area: 9620,
        sport_area: 14060,
        equip_value: 462.5,
        media_rooms: 46,
      },
      warnings: [],
    });
    expect(t.rows.at(-1)).toMatchObject({ line: 14, name: '石桥乡中学', stage: 'junior' });
  });

  it('reads the .xlsx (numeric cells, rich-text headers) to the same rows', async () => {
    const x = await readSchoolTable(countyXlsx, 'schools-county.xlsx');
    const c = await readSchoolTable(countyCsv, 'schools-county.csv');
    expect(x.format).toBe('xlsx');
    expect(x.rejected).toEqual([]);
    expect(comparable(x)).toEqual(comparable(c));
  });

  it('reads the same table encoded as GBK, and as UTF-8 with a BOM', async () => {
    const c = await readSchoolTable(countyCsv, 'schools-county.csv');
    const gbk = iconv.encode(countyCsv.toString('utf8'), 'gbk');
    expect(() => new TextDecoder('utf-8', { fatal: true }).decode(gbk)).toThrow();
    const g = await readSchoolTable(gbk, 'gbk.csv');
    expect(comparable(g)).toEqual(comparable(c));
    expect(g.rejected).toEqual([]);
    const bom = await readSchoolTable(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), countyCsv]), 'bom.csv');
    expect(comparable(bom)).toEqual(comparable(c));
  });

  it('reads CRLF line ends and a title row above the header (lines still count every row)', async () => {
    const text = `青禾县2024年义务教育学校办学条件统计表\r\n${countyCsv.toString('utf8').replace(/\n/gu, '\r\n')}`;
    const t = await readSchoolTable(Buffer.from(text, 'utf8'), 'title.csv');
    expect(t.rows).toHaveLength(13);
    expect(t.rows[0]).toMatchObject({ line: 3, name: '青禾县实验小学' });
    expect(t.rows.every((r) => !r.name.includes('\r'))).toBe(true);
  });
});

describe('readSchoolTable: schools-bad', () => {
  it('rejects the duplicate (both lines), the negative, 约300 and the missing value, naming the column', async () => {
    const t = await readSchoolTable(badCsv, 'schools-bad.csv');
    expect(t.rejected.map((r) => r.line).sort((a, b) => a - b)).toEqual([2, 6, 7, 10, 13]);
    expect(t.rows).toHaveLength(9);
    const reason = (line: number) => t.rejected.find((r) => r.line === line)!;
    for (const line of [2, 6]) {
      expect(reason(line).name).toBe('青禾县实验小学');
      expect(reason(line).reasons.join('')).toMatch(/重复/u);
      expect(reason(line).reasons.join('')).toContain('第 2 行');
      expect(reason(line).reasons.join('')).toContain('第 6 行');
    }
    expect(reason(7)).toMatchObject({ name: '柳湾村小学' });
    expect(reason(7).reasons.join('')).toMatch(/体育运动场馆面积.*-1680.*负数/u);
    expect(reason(10)).toMatchObject({ name: '北岭乡小学' });
    expect(reason(10).reasons.join('')).toMatch(/在校学生数.*约300.*估计/u);
    expect(reason(13)).toMatchObject({ name: '东坪镇中学' });
    expect(reason(13).reasons.join('')).toMatch(/网络多媒体教室数.*没有填写/u);
    for (const r of t.rejected) {
      expect(r.reasons.length).toBeGreaterThan(0);
      for (const s of r.reasons) expect(s).toMatch(CJK);
    }
    // Never silently keep either duplicate.
    expect(t.rows.some((r) => r.name === '青禾县实验小学')).toBe(false);
  });

  it('accepts "1,234" and full-width "１２３" with a warning naming the column', async () => {
    const t = await readSchoolTable(badCsv, 'schools-bad.csv');
    const l4 = t.rows.find((r) => r.line === 4)!;
    expect(l4.name).toBe('东坪镇中心小学');
    expect(l4.answers['students']).toBe(1234);
    expect(l4.warnings).toHaveLength(1);
    expect(l4.warnings[0]).toMatch(/在校学生数.*1,234.*1234/u);
    const l12 = t.rows.find((r) => r.line === 12)!;
    expect(l12.name).toBe('青禾县实验中学');
    expect(l12.answers['teachers']).toBe(123);
    expect(l12.warnings[0]).toMatch(/专任教师数.*１２３.*123/u);
    expect(t.rows.filter((r) => r.warnings.length > 0).map((r) => r.line)).toEqual([4, 12]);
  });
});

describe('readSchoolTable: header and row rules', () => {
  it('names every missing required column in a Chinese error', async () => {
    const bytes = editCsv((cells) => cells.filter((_, i) => i !== 10 && i !== 8));
    const e = await rejection(readSchoolTable(bytes, 'missing.csv'));
    expect(e).toBeInstanceOf(MissingColumnsError);
    expect(e).toBeInstanceOf(JunhengError);
    const err = e as MissingColumnsError;
    expect(err.missing).toEqual(['体育运动场馆面积(平方米)', '网络多媒体教室数(间)']);
    expect(err.userMessage).toContain('网络多媒体教室数');
    expect(err.userMessage).toContain('体育运动场馆面积');
    expect(err.userMessage).toMatch(/缺少/u);
  });

  it('matches headers tolerantly and converts a (元) column to 万元', async () => {
    const bytes = editCsv((cells, i) => {
      if (i === 0) return ['学校名称', ' 学段 ', '在校生数', '备注', '高于规定学历教师数', '县级以上骨干教师数', '体育艺术专任教师数', '教学及辅助用房面积（平方米）', '体育运动场馆面积【平方米】', '教学仪器设备值(元)', '网络多媒体教室数'];
      const yuan = String(Math.round(Number(cells[9]) * 10000));
      return [...cells.slice(0, 9), yuan, ...cells.slice(10)];
    });
    const t = await readSchoolTable(bytes, 'tolerant.csv');
    expect(t.rejected).toEqual([]);
    expect(t.rows).toHaveLength(13);
    expect(t.rows[0]!.answers['equip_value']).toBeCloseTo(462.5, 9);
    expect(t.rows[0]!.answers['students']).toBe(1850);
    expect(t.rows[0]!.answers).not.toHaveProperty('teachers'); // 备注 is ignored
    expect(t.warnings.map((w) => w.message).join('')).toMatch(/元为单位.*万元/u);
  });

  it('rejects a 九年一贯制 row with the advice to split it into 小学部 and 初中部', async () => {
    const bytes = editCsv((cells, i) => (i === 3 ? [cells[0]!, '九年一贯制', ...cells.slice(2)] : cells));
    const t = await readSchoolTable(bytes, 'yiguan.csv');
    expect(t.rows).toHaveLength(12);
    expect(t.rejected).toHaveLength(1);
    const r = t.rejected[0]!;
    expect(r).toMatchObject({ line: 4, name: '东坪镇中心小学' });
    expect(r.reasons.join('')).toMatch(/九年一贯制/u);
    expect(r.reasons.join('')).toMatch(/小学部/u);
    expect(r.reasons.join('')).toMatch(/初中部/u);
  });

  it('rejects text and zero students, skips a 合计 row with a warning, and collects every reason of a row', async () => {
    const bytes = editCsv((cells, i) => {
      if (i === 2) return [cells[0]!, cells[1]!, '0', ...cells.slice(3)];
      if (i === 5) return [cells[0]!, cells[1]!, cells[2]!, cells[3]!, '不详', cells[5]!, cells[6]!, cells[7]!, cells[8]!, cells[9]!, '三十'];
      if (i === 6) return [cells[0]!, '', ...cells.slice(2, 9), '约46', cells[10]!];
      return cells;
    });
    const withTotal = Buffer.concat([bytes, Buffer.from('合计,,10000,,,,,,,,\n', 'utf8')]);
    const t = await readSchoolTable(withTotal, 'edits.csv');
    const by = (line: number) => t.rejected.find((r) => r.line === line);
    expect(by(3)!.reasons.join('')).toMatch(/在校学生数.*0/u);
    expect(by(6)!.reasons.join('')).toMatch(/高于规定学历教师数.*不详/u);
    // 三十 is a Chinese numeral: read as 30 with a warning, not rejected.
    expect(by(6)!.reasons).toHaveLength(1);
    expect(by(7)!.reasons).toHaveLength(2);
    expect(by(7)!.reasons.join('')).toMatch(/学段/u);
    expect(by(7)!.reasons.join('')).toMatch(/教学仪器设备值.*约46/u);
    expect(t.rows.some((r) => r.name === '合计')).toBe(false);
    expect(t.warnings.find((w) => w.line === 15)?.message).toMatch(/合计/u);
  });

  it('rejects a teacher count larger than 专任教师数', async () => {
    const bytes = editCsv((cells, i) => (i === 1 ? [...cells.slice(0, 4), '120', ...cells.slice(5)] : cells));
    const t = await readSchoolTable(bytes, 'subset.csv');
    expect(t.rejected).toHaveLength(1);
    expect(t.rejected[0]!.reasons[0]).toMatch(/高于规定学历教师数.*120.*专任教师数.*98/u);
  });

  it('refuses files that are not a readable table, in Chinese', async () => {
    const cases: [Buffer, string, string][] = [
      [fs.readFileSync(fixturePath('corrupt.pdf')), 'corrupt.pdf', 'wrong-content'],
      [fs.readFileSync(fixturePath('corrupt.pdf')), 'schools.csv', 'wrong-content'],
      [countyXlsx.subarray(0, Math.floor(countyXlsx.length / 2)), 'half.xlsx', 'corrupt'],
      [Buffer.from('学校名称,学段\n', 'utf8'), 'notes.docx', 'unsupported'],
      [fs.readFileSync(fixturePath('legacy.doc')), 'old.xls', 'unsupported'],
      [fs.readFileSync(fixturePath('binary.txt')), 'binary.csv', 'binary'],
      [Buffer.alloc(0), 'empty.csv', 'empty'],
    ];
    for (const [bytes, name, code] of cases) {
      const e = await rejection(readSchoolTable(bytes, name));
      expect(e, name).toBeInstanceOf(FileRejectedError);
      expect((e as FileRejectedError).code, name).toBe(code);
      expect((e as FileRejectedError).userMessage, name).toMatch(CJK);
      expect((e as FileRejectedError).userMessage, name).toContain(name);
    }
  });
});
