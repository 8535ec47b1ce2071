import { describe, expect, it } from 'vitest';
import { dropTitleMetadata, looksLikeTitle, metadataTitle, pickTitle, stripExtension } from '../../../src/ingest/clean/title.js';
import type { Block } from '../../../src/ingest/types.js';

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
});
