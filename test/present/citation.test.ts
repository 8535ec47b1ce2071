import { describe, expect, it } from 'vitest';
import { citationLine, pageLabel, sectionLabel, sourceLabel, truncate } from '../../src/present/citation.js';

describe('citations', () => {
  it('formats [n] 《title》 · section · page', () => {
    expect(citationLine(1, { title: '规划汇编', sectionPath: ['第一篇', '二、工作目标'], page: 3, pageEnd: 3 })).toBe(
      '[1] 《规划汇编》 · 第一篇 › 二、工作目标 · 第3页',
    );
  });

  it('shows a page range, and no page for text files', () => {
    expect(pageLabel(3, 4)).toBe('第3–4页');
    expect(pageLabel(null, null)).toBeNull();
    expect(citationLine(2, { title: '总结', sectionPath: [], page: null, pageEnd: null })).toBe('[2] 《总结》');
  });

  it('keeps the deepest levels of a long section path', () => {
    const label = sectionLabel(['第五篇：拜城县义务教育均衡发展规划', '四、具体工作', '（二）加强教师队伍建设，提升全体教师的专业水平']);
    expect(label.startsWith('（二）') || label.startsWith('四、')).toBe(true);
    expect(label.length).toBeLessThanOrEqual(40);
  });

  it('names where a passage stands without the [n] (查看原文)', () => {
    expect(sourceLabel({ title: '规划汇编', sectionPath: ['第一篇'], page: 2, pageEnd: 4 })).toBe('《规划汇编》 · 第一篇 · 第2–4页');
  });
});

describe('a Markdown title in the section path', () => {
  it('is not repeated after the document title', () => {
    expect(citationLine(1, { title: '整理稿', sectionPath: ['整理稿', '一、概况'], page: null, pageEnd: null })).toBe('[1] 《整理稿》 · 一、概况');
  });
});

describe('truncate', () => {
  it('leaves text that fits alone', () => {
    expect(truncate('看看：一、概况', 40)).toBe('看看：一、概况');
  });

  it('cuts at a code point, never inside a surrogate pair', () => {
    const text = `${'甲'.repeat(8)}𠀋𠀋𠀋𠀋`;
    for (let max = 2; max < 12; max++) {
      const cut = truncate(text, max);
      expect([...cut].length).toBeLessThanOrEqual(max);
      expect(cut.endsWith('…')).toBe(true);
      expect(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/u.test(cut)).toBe(false);
    }
  });

  it('cuts between words, not inside one', () => {
    expect(truncate('看看：六、基本均衡的评估内容 › （一）评估的四个方面', 14)).toBe('看看：六、基本均衡的评估…');
    expect(truncate('看看：优质均衡督导评估办法', 9)).toBe('看看：优质均衡…');
  });

  it('closes a bracket the cut leaves open, and does not end on an opening bracket or a separator', () => {
    expect(truncate('看看：《县域义务教育均衡发展国家督导评估标准整理稿》', 12)).toBe('看看：《县域义务教育…》');
    expect(truncate('看看：一、概况（关于加强教师队伍建设的意见）', 14)).toBe('看看：一、概况（关于加强…）');
    expect(truncate('看看：一、概况 › （二）大力加强队伍建设', 14)).toBe('看看：一、概况 › （二）…');
    expect(truncate('看看：一、资源配置 › （二）', 13)).toBe('看看：一、资源配置…');
    for (const max of [5, 8, 11, 13, 15, 17, 20]) {
      const cut = truncate('看看：《整理稿》 · 一、资源配置 › （二）大力加强队伍建设（试行）', max);
      expect([...cut].length, cut).toBeLessThanOrEqual(max);
      const opens = [...cut].filter((c) => '《（'.includes(c)).length;
      const closes = [...cut].filter((c) => '》）'.includes(c)).length;
      expect(opens, cut).toBe(closes);
    }
  });
});
