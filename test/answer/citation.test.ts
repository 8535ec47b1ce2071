import { describe, expect, it } from 'vitest';
import { formatCitation, pageLabel, quotedSectionPath, sectionLabel } from '../../src/answer/citation.js';

describe('citations', () => {
  it('formats [n] 《title》 · section · page', () => {
    expect(formatCitation(1, { title: '规划汇编', sectionPath: ['第一篇', '二、工作目标'], page: 3, pageEnd: 3 })).toBe(
      '[1] 《规划汇编》 · 第一篇 › 二、工作目标 · 第3页',
    );
  });

  it('shows a page range, and no page for text files', () => {
    expect(pageLabel(3, 4)).toBe('第3–4页');
    expect(pageLabel(null, null)).toBeNull();
    expect(formatCitation(2, { title: '总结', sectionPath: [], page: null, pageEnd: null })).toBe('[2] 《总结》');
  });

  it('keeps the deepest levels of a long section path', () => {
    const label = sectionLabel(['第五篇：拜城县义务教育均衡发展规划', '四、具体工作', '（二）大力加强队伍建设，打造优良工作团队']);
    expect(label.startsWith('（二）') || label.startsWith('四、')).toBe(true);
    expect(label.length).toBeLessThanOrEqual(40);
  });
});

describe('quotedSectionPath', () => {
  it('names the numbered item the quote starts at, when it is a later item of the same list', () => {
    expect(quotedSectionPath(['三、资源配置', '4.生均教学及辅助用房面积'], '5.生均体育运动场馆面积：小学不少于7.5平方米')).toEqual([
      '三、资源配置',
      '5.生均体育运动场馆面积',
    ]);
  });

  it('keeps the path when the quote is not a list item or a different kind of item', () => {
    expect(quotedSectionPath(['三、资源配置', '4.生均用房'], '各校要按标准配齐。')).toEqual(['三、资源配置', '4.生均用房']);
    expect(quotedSectionPath(['三、资源配置', '4.生均用房'], '（二）加强管理。')).toEqual(['三、资源配置', '4.生均用房']);
  });
});

describe('a Markdown title in the section path', () => {
  it('is not repeated after the document title', () => {
    expect(formatCitation(1, { title: '整理稿', sectionPath: ['整理稿', '一、概况'], page: null, pageEnd: null })).toBe('[1] 《整理稿》 · 一、概况');
  });
});
