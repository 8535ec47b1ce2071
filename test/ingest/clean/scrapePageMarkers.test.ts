import { describe, expect, it } from 'vitest';
import { joinScrapedPages } from '../../../src/ingest/clean/scrapePageMarkers.js';
import type { Block } from '../../../src/ingest/types.js';

/** A page-sized line of filler text (≥ 300 characters) ending with `tail`. */
const page = (head: string, tail: string): string => `${head}${'推进教育均衡发展工作，'.repeat(30)}${tail}`;
const lines = (...texts: string[]): Block[] => texts.map((text) => ({ kind: 'line', text }));

describe('joinScrapedPages', () => {
  it('strips "N、" page markers and joins the pages without separator', () => {
    const out = joinScrapedPages(lines('标题', page('1、开头', '缩小办学水平差'), page('2、距,最大限度', '全面提'), page('3、升质量', '完。'), '尾注'));
    expect(out.map((b) => b.text)).toHaveLength(3);
    const joined = out[1]?.text ?? '';
    expect(joined.startsWith('开头')).toBe(true);
    expect(joined).toContain('办学水平差距,最大限度');
    expect(joined).toContain('全面提升质量');
    expect(joined).not.toMatch(/[23]、/);
  });

  it('accepts a run that continues a sequence and skips blank lines between pages', () => {
    const out = joinScrapedPages(lines(page('7、甲', '未完'), '', page('8、乙', '待续'), page('9、丙', '结束。')));
    expect(out).toHaveLength(1);
    expect(out[0]?.text).toContain('未完乙');
  });

  it('leaves short numbered list items alone', () => {
    const items = lines('1、以课程改革为中心，提升质量。', '2、推进课堂教学创新。', '3、建立质量监控体系。');
    expect(joinScrapedPages(items)).toEqual(items);
  });

  it('leaves long numbered items that end their sentences alone', () => {
    const items = lines(page('1、加大投入', '落实到位。'), page('2、科学规划', '基本均衡。'), page('3、加快建设', '达到标准。'));
    expect(joinScrapedPages(items)).toEqual(items);
  });

  it('needs at least three consecutive numbers', () => {
    const two = lines(page('1、甲', '未'), page('2、乙', '完'));
    expect(joinScrapedPages(two)).toEqual(two);
    const gap = lines(page('1、甲', '未'), page('3、乙', '完'), page('4、丙', '续'));
    expect(joinScrapedPages(gap)).toEqual(gap);
  });
});
