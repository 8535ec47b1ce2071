import { describe, expect, it } from 'vitest';
import { arabicQuantities, chineseNumeralValue } from '../../src/answer/numerals.js';

describe('Chinese numerals', () => {
  it('writes quantities in digits before a measure word, ordinals untouched', () => {
    expect(arabicQuantities('十二个班，第三篇', ['个班', '篇'])).toBe('12个班，第三篇');
    expect(arabicQuantities('百分之九十五', [])).toBe('95%');
  });

  it('keeps the 万 of an Arabic figure: 930万元 is not 9300元', () => {
    expect(arabicQuantities('仪器设备共930万元', ['元', '万元'])).toBe('仪器设备共930万元');
    expect(arabicQuantities('一年66万', ['万'])).toBe('一年66万');
    expect(chineseNumeralValue('万')).toBeNull();
    expect(chineseNumeralValue('一万二千')).toBe(12000);
  });
});
