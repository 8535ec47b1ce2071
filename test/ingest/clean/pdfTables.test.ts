import { describe, expect, it } from 'vitest';
import { detectPdfTables, parseHeader, parseRow } from '../../../src/ingest/clean/pdfTables.js';
import type { Block } from '../../../src/ingest/types.js';

const onPage = (...texts: string[]): Block[] => texts.map((text) => ({ kind: 'line', text, page: 1 }));

describe('pdf tables', () => {
  it('parses a header of short labels', () => {
    expect(parseHeader('序号 指标 小学 初中')).toEqual(['序号', '指标', '小学', '初中']);
    expect(parseHeader('根据规定，包括下列指标')).toBeNull();
    expect(parseHeader('1 2 3')).toBeNull();
  });

  it('keeps the wide text column together', () => {
    const header = ['序号', '指标', '小学', '初中'];
    expect(parseRow('4 生均教学及辅助用房面积 （平方米） 4.5 5.8', header)).toEqual(['4', '生均教学及辅助用房面积 （平方米）', '4.5', '5.8']);
    expect(parseRow('注：表中数值为最低标准。', header)).toBeNull();
  });

  it('turns header + rows into table-row blocks and leaves the rest', () => {
    const out = detectPdfTables(
      onPage('下表列出各项指标：', '序号 指标 小学 初中', '1 每百名学生拥有骨干教师数（人） 1 1', '2 生均教学仪器设备值（元） 2000 2500', '注：以上含本数。'),
    );
    expect(out.map((b) => b.kind)).toEqual(['line', 'table-row', 'table-row', 'line']);
    expect(out[2]).toMatchObject({ kind: 'table-row', page: 1, text: '序号：2；指标：生均教学仪器设备值（元）；小学：2000；初中：2500' });
  });

  it('needs two rows and PDF lines', () => {
    expect(detectPdfTables(onPage('序号 指标 小学 初中', '1 指标甲 1 2', '正文。')).every((b) => b.kind === 'line')).toBe(true);
    const txt: Block[] = [
      { kind: 'line', text: '序号 指标 小学 初中' },
      { kind: 'line', text: '1 指标甲 1 2' },
      { kind: 'line', text: '2 指标乙 3 4' },
    ];
    expect(detectPdfTables(txt)).toEqual(txt);
  });

  it('does not mistake a line of names for a table', () => {
    const names = onPage('沙代提 玉素甫 艾合买提 麦尔丹', '领导小组要求认真履行职责。', '组员要分工负责。');
    expect(detectPdfTables(names)).toEqual(names);
  });
});
