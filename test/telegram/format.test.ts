import { describe, expect, it } from 'vitest';
import { escapeHtml, MAX_MESSAGE, replyMessages, splitText, toHtml } from '../../src/telegram/format.js';

describe('Telegram formatting', () => {
  it('escapes everything that could be taken for markup', () => {
    expect(escapeHtml('a<b>&c')).toBe('a&lt;b&gt;&amp;c');
    expect(toHtml('根据文件原文：\n“x<y & z”[1]')).toBe('<b>根据文件原文：</b>\n“x&lt;y &amp; z”[1]');
  });

  it('splits a long reply at sentence ends, every piece under the limit, nothing lost', () => {
    const sentence = '县域内义务教育学校办学条件达到本省标准，校际差距逐步缩小。';
    const text = sentence.repeat(400);
    const pieces = splitText(text);
    expect(pieces.length).toBeGreaterThan(2);
    for (const p of pieces) {
      expect(p.length).toBeLessThanOrEqual(MAX_MESSAGE);
      expect(p.endsWith('。')).toBe(true);
    }
    expect(pieces.join('')).toBe(text);
  });

  it('prefers paragraph breaks, and cuts text without any break at the limit', () => {
    const pieces = splitText(`${'甲'.repeat(3000)}\n\n${'乙'.repeat(3000)}`);
    expect(pieces).toEqual(['甲'.repeat(3000), '乙'.repeat(3000)]);
    expect(splitText('丙'.repeat(9000)).map((p) => p.length)).toEqual([4000, 4000, 1000]);
  });

  it('keeps every HTML message under the limit after escaping', () => {
    const text = '<&>'.repeat(3000);
    for (const html of replyMessages(text)) expect(html.replace(/&[a-z]+;/gu, 'x').length).toBeLessThanOrEqual(MAX_MESSAGE);
  });
});
