import { describe, expect, it } from 'vitest';
import { normalizeBlock, normalizeChars, stripHeadingMarks } from '../../../src/ingest/clean/normalizeText.js';

describe('normalizeText', () => {
  it('composes to NFC and drops invisible characters', () => {
    expect(normalizeChars('\uFEFFe\u0301\u200B')).toBe('é');
  });

  it('turns every kind of blank into a plain space', () => {
    expect(normalizeChars('一\u3000二\u00A0三\t四\r')).toBe('一 二 三 四 ');
  });

  it('keeps punctuation as written (quotes, full-width commas)', () => {
    expect(normalizeChars('“班班通”，(一)')).toBe('“班班通”，(一)');
  });

  it('strips Markdown heading marks from headings only', () => {
    expect(stripHeadingMarks('## 三、主要做法 ##')).toBe('三、主要做法');
    expect(normalizeBlock({ kind: 'heading', level: 2, text: '## 一、历史进程' }).text).toBe('一、历史进程');
    expect(normalizeBlock({ kind: 'line', text: ' #5 号文件 ' }).text).toBe('#5 号文件');
  });
});
