import { describe, expect, it } from 'vitest';
import { formatCitation, pageLabel, sectionLabel } from '../../src/answer/citation.js';

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
