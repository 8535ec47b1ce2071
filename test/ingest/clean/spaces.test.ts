import { describe, expect, it } from 'vitest';
import { normalizeSpaces } from '../../../src/ingest/clean/spaces.js';

describe('normalizeSpaces', () => {
  it.each([
    ['自 2013 年', '自2013年'],
    ['在校生 5678 人', '在校生5678人'],
    ['提 出的明确要求', '提出的明确要求'],
    ['关 键 词', '关键词'],
    ['面积为 10. 19 平方米', '面积为10.19平方米'],
    ['比例为 1:11.58, 生均', '比例为1:11.58,生均'],
    ['（人） 4.2', '（人）4.2'],
    ['开展 “文明之星” 评选', '开展“文明之星”评选'],
    ['带宽 100M 以上', '带宽100M以上'],
    ['建设工程1 .加强', '建设工程1.加强'],
  ])('%s → %s', (input, expected) => {
    expect(normalizeSpaces(input)).toBe(expected);
  });

  it('keeps one space between Latin words and numbers', () => {
    expect(normalizeSpaces('Page   2  of 17')).toBe('Page 2 of 17');
    expect(normalizeSpaces('4.2  5.3')).toBe('4.2 5.3');
  });

  it('trims and collapses other whitespace', () => {
    expect(normalizeSpaces('  a \t b  ')).toBe('a b');
  });

  it('does not touch punctuation', () => {
    expect(normalizeSpaces('“班班通”，(一)；')).toBe('“班班通”，(一)；');
  });
});
