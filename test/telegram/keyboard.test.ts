import { describe, expect, it } from 'vitest';
import { inlineKeyboard } from '../../src/telegram/keyboard.js';

describe('inline keyboards', () => {
  it('has no empty rows: not at the end, not where every button was left out', () => {
    const kb = inlineKeyboard([[{ label: '甲', action: 'a' }], [{ label: '乙', action: 'x'.repeat(65) }], [{ label: '丙', action: 'c' }]])!;
    expect(kb.inline_keyboard.map((row) => row.map((b) => b.text))).toEqual([['甲'], ['丙']]);
  });

  it('is absent when no button fits', () => {
    expect(inlineKeyboard([[{ label: '乙', action: 'x'.repeat(65) }]])).toBeUndefined();
    expect(inlineKeyboard([])).toBeUndefined();
  });

  it('shortens a long label between words, ending in …', () => {
    const label = `看看：${'县域义务教育优质均衡发展督导评估办法'.repeat(4)}`;
    const text = inlineKeyboard([[{ label, action: 'a' }]])!.inline_keyboard[0]![0]!.text;
    expect([...text].length).toBeLessThanOrEqual(60);
    expect(text.endsWith('…')).toBe(true);
    expect(label.startsWith(text.slice(0, -1))).toBe(true);
  });
});
