import { describe, expect, it } from 'vitest';
import { isPageNumberLine, removePageFurniture } from '../../../src/ingest/clean/pageFurniture.js';
import type { Block } from '../../../src/ingest/types.js';

function pages(contents: string[][]): Block[] {
  return contents.flatMap((lines, i) => lines.map((text): Block => ({ kind: 'line', text, page: i + 1 })));
}

describe('isPageNumberLine', () => {
  it.each(['第 3 页 共 17 页', '第 1 页', '- 2 -', '-2-', '2', 'Page 2', '2/17', '第3页，共17页'])('recognises %s', (t) => {
    expect(isPageNumberLine(t)).toBe(true);
  });
  it.each(['第一篇：发展规划', '2013年', '一、指导思想', '共有学生289人'])('rejects %s', (t) => {
    expect(isPageNumberLine(t)).toBe(false);
  });
});

describe('removePageFurniture', () => {
  it('drops a running header and a "第 N 页 共 M 页" footer', () => {
    const doc = pages([
      ['规划汇编（内部资料）', '第一段正文', '第 1 页 共 3 页'],
      ['规划汇编（内部资料）', '第二段正文', '第 2 页 共 3 页'],
      ['规划汇编（内部资料）', '第三段正文', '第 3 页 共 3 页'],
    ]);
    expect(removePageFurniture(doc).map((b) => b.text)).toEqual(['第一段正文', '第二段正文', '第三段正文']);
  });

  it('drops "- N -" footers and a lone page number at the top of a page', () => {
    const doc = pages([
      ['正文甲', '正文乙', '- 1 -'],
      ['2', '正文丙', '正文丁'],
    ]);
    expect(removePageFurniture(doc).map((b) => b.text)).toEqual(['正文甲', '正文乙', '正文丙', '正文丁']);
  });

  it('drops "第 1 页" on a one-page document', () => {
    expect(removePageFurniture(pages([['标题', '正文。', '第 1 页']])).map((b) => b.text)).toEqual(['标题', '正文。']);
  });

  it('keeps numbers and repeated lines in the middle of a page', () => {
    const doc = pages([
      ['标题甲', '2', '一、指导思想', '正文甲', '正文乙', '结尾甲'],
      ['标题乙', '正文丙', '42', '正文丁', '一、指导思想', '结尾乙'],
    ]);
    expect(removePageFurniture(doc)).toEqual(doc);
  });

  it('ignores documents without pages', () => {
    const doc: Block[] = [{ kind: 'line', text: '1' }, { kind: 'line', text: '正文' }];
    expect(removePageFurniture(doc)).toEqual(doc);
  });
});
