import { describe, expect, it } from 'vitest';
import {
  chineseCount, dropTitleMetadata, looksLikeTitle, metadataTitle, ownTitle, partsTitle, pickTitle, scrapedTitle, stripExtension,
} from '../../../src/ingest/clean/title.js';
import type { Block } from '../../../src/ingest/types.js';
import { seedText } from '../../helpers/documents.js';
import { seedName } from '../../helpers/shared.js';

const paras = (...texts: string[]): Block[] => texts.map((text) => ({ kind: 'paragraph', text }));

describe('title', () => {
  it('prefers the loader title', () => {
    expect(pickTitle('督导评估办法', '别的', paras('某某方案'), 'x.pdf')).toBe('督导评估办法');
  });

  it('reads "标题:" lines and file-name lines as metadata', () => {
    expect(metadataTitle(paras('标题:推进均衡发展工作方案', '正文。'))).toBe('推进均衡发展工作方案');
    expect(metadataTitle(paras('', '整改工作实施方案.docx', '正文。'))).toBe('整改工作实施方案');
    expect(metadataTitle(paras('一、指导思想'))).toBeNull();
  });

  it('takes a short first paragraph that reads like a title', () => {
    expect(pickTitle(undefined, null, paras('小学均衡发展整改方案', '一、背景'), 'a.txt')).toBe('小学均衡发展整改方案');
  });

  it('falls back to the file name for sections, sentences and dates', () => {
    expect(pickTitle(undefined, null, paras('第一篇：某小学规划'), 'dir/004-plan.docx')).toBe('004-plan');
    expect(pickTitle(undefined, null, paras('自2013年以来，全县推进均衡发展。'), 'r.pdf')).toBe('r');
    expect(looksLikeTitle('2024年2月26日')).toBe(false);
    expect(pickTitle(undefined, null, [], 'empty.txt')).toBe('empty');
  });

  it('removes title metadata from the body but keeps a plain title line', () => {
    const out = dropTitleMetadata(paras('标题:某方案', '某方案.docx', '某方案', '正文。'));
    expect(out.map((b) => b.text)).toEqual(['某方案', '正文。']);
  });

  it('strips only the extension', () => {
    expect(stripExtension('/a/b/规划.v2.pdf')).toBe('规划.v2');
  });

  it('names a compilation of parts by what its parts share, with their count', () => {
    const plans = paras(
      '第一篇：北永康小学义务教育均衡发展规划', '一、指导思想', '第二篇：义务教育均衡发展规划', '第三篇：推进义务教育均衡发展规划',
    );
    expect(partsTitle(plans)).toBe('义务教育均衡发展规划（三篇）');
    expect(partsTitle(paras('第一篇：甲县教育规划', '一、总则'))).toBe('甲县教育规划');
    expect(partsTitle(paras('第一篇：总则', '第二篇：附则'))).toBe('总则等两篇');
    // Only a document that starts with its first part is a compilation.
    expect(partsTitle(paras('一、背景', '第一篇：某规划'))).toBeNull();
    expect(chineseCount(5)).toBe('五');
    expect(chineseCount(12)).toBe('十二');
    expect(chineseCount(40)).toBe('四十');
  });

  it("reads the document's name from a scrape site's caption, also wrapped over lines", () => {
    // The caption as seed 002 has it, read from ../shared at test time.
    const caption = seedText(seedName('002')).split('\n').map((l) => l.trim()).find((l) => l.includes('精心准备'))!;
    expect(caption).toBeDefined();
    expect(scrapedTitle(paras(caption, '正文第一段……'))).toBe('义务教育均衡发展工作总结报告');
    expect(scrapedTitle(paras(caption.slice(0, 10), caption.slice(10, 20), caption.slice(20, 31)))).toBe('义务教育均衡发展工作总结报告');
    expect(scrapedTitle(paras('一、指导思想'))).toBeNull();
  });

  it("gives the document's own title, or null where only the file name is left", () => {
    expect(ownTitle(undefined, null, paras('第一篇：某小学规划', '第二篇：某县规划'), null)).toBe('某小学规划等两篇');
    expect(ownTitle(undefined, null, paras('自2013年以来，全县推进均衡发展。'), '均衡发展工作总结')).toBe('均衡发展工作总结');
    expect(ownTitle(undefined, null, paras('自2013年以来，全县推进均衡发展。'), null)).toBeNull();
    expect(ownTitle('督导评估办法', null, paras('第一篇：某小学规划'), null)).toBe('督导评估办法');
  });
});
