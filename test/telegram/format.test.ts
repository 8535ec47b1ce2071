import { describe, expect, it } from 'vitest';
import { block, line, richText } from '../../src/present/blocks.js';
import { escapeHtml, MAX_MESSAGE, replyHtml, replyMessages, splitText } from '../../src/telegram/format.js';

describe('Telegram formatting', () => {
  it('escapes everything that could be taken for markup', () => {
    expect(escapeHtml('a<b>&c')).toBe('a&lt;b&gt;&amp;c');
    expect(replyHtml(richText([block(line('lead', '根据文件原文：'), line('quote', '“x<y & z”[1]'))]))).toBe('<b>根据文件原文：</b>\n“x&lt;y &amp; z”[1]');
  });

  it('puts titles, leads, headings and verdicts in bold from the structure, never from the wording', () => {
    const reply = richText([
      block(line('title', '【自查报告】<县>')),
      block(line('item', '✅ 甲'), line('item', '出处：不是标题')),
      block(line('verdict', '结论：达标')),
      block(line('heading', '差距：'), line('item', '· 还差 1.5')),
      block(line('note', '结论：这是附注')),
    ]);
    expect(replyHtml(reply)).toBe(
      '<b>【自查报告】&lt;县&gt;</b>\n\n✅ 甲\n出处：不是标题\n\n<b>结论：达标</b>\n\n<b>差距：</b>\n· 还差 1.5\n\n结论：这是附注',
    );
    // A reply without structure is shown as it is, escaped, with nothing in bold.
    expect(replyHtml({ text: '根据文件原文：\n出处：\n结论：<b>' })).toBe('根据文件原文：\n出处：\n结论：&lt;b&gt;');
  });

  it('splits structured replies where the plain text splits, a bold line cut in two bold in both pieces', () => {
    const reply = richText([block(line('lead', '甲'.repeat(5000)), line('quote', '乙<'.repeat(100)))]);
    const messages = replyMessages(reply);
    expect(messages.map((m) => m.replace(/<\/?b>/gu, '').replace(/&lt;/gu, '<'))).toEqual(splitText(reply.text));
    expect(messages[0]).toBe(`<b>${'甲'.repeat(4000)}</b>`);
    expect(messages[1]).toBe(`<b>${'甲'.repeat(1000)}</b>\n${'乙&lt;'.repeat(100)}`);
  });

  it('never cuts a character outside the BMP in two', () => {
    const pieces = splitText('𠀋'.repeat(3000));
    for (const p of pieces) expect(p).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/u);
    expect(pieces.join('')).toBe('𠀋'.repeat(3000));
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
    for (const html of replyMessages({ text })) expect(html.replace(/&[a-z]+;/gu, 'x').length).toBeLessThanOrEqual(MAX_MESSAGE);
  });
});
