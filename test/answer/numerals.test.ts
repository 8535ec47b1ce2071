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

  it('reads a last digit after 百, 千 or 万 in the next lower place, as people say numbers (一千二 is 1200)', () => {
    expect(chineseNumeralValue('一千二')).toBe(1200);
    expect(chineseNumeralValue('一百五')).toBe(150);
    expect(chineseNumeralValue('三万五')).toBe(35000);
    expect(chineseNumeralValue('一万二千三')).toBe(12300);
    expect(chineseNumeralValue('一千零二')).toBe(1002);
    expect(chineseNumeralValue('二十五')).toBe(25);
    expect(arabicQuantities('初中一千二个学生', ['个'])).toBe('初中1200个学生');
  });
});
