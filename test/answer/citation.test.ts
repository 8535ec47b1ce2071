import { describe, expect, it } from 'vitest';
import { quotedSectionPath, sectionWithinDocument } from '../../src/answer/citation.js';

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
  it('is left out of the section a citation names (shown in test/present/citation.test.ts)', () => {
    expect(sectionWithinDocument('整理稿', ['整理稿', '一、概况'])).toEqual(['一、概况']);
  });
});
