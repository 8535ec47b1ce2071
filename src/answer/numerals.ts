/** Chinese numerals (the number system itself, not a tuned list). Pure. */

const DIGIT: Record<string, number> = { 零: 0, 〇: 0, 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9 };
const UNIT: Record<string, number> = { 十: 10, 百: 100, 千: 1000 };
const NUMERAL = '[零〇一二两三四五六七八九十百千万]+';

/**
 * Value of a Chinese numeral such as 三, 十二, 二十五, 一百零五, 两千, 一万二千; null if not one.
 * A last digit right after 百, 千 or 万 counts in the next lower place, as people say
 * numbers: 一千二 is 1200, 一百五 150, 三万五 35000 (一千零二 stays 1002).
 */
export function chineseNumeralValue(s: string): number | null {
  if (!s || !new RegExp(`^${NUMERAL}$`, 'u').test(s) || s === '万') return null;
  let total = 0;
  let section = 0;
  let digit: number | null = null;
  // The place of the last unit, while no 零 has come after it.
  let place = 1;
  for (const ch of s) {
    if (ch in DIGIT) {
      digit = DIGIT[ch]!;
      if (digit === 0) place = 1;
    } else if (ch in UNIT) {
      section += (digit ?? 1) * UNIT[ch]!;
      digit = null;
      place = UNIT[ch]!;
    } else if (ch === '万') {
      total += (section + (digit ?? 0)) * 10000;
      section = 0;
      digit = null;
      place = 10000;
    }
  }
  const last = digit === null ? 0 : place >= 100 ? (digit * place) / 10 : digit;
  return total + section + last;
}

const escape = (w: string) => w.replace(/[.*+?^${}()|[\]\\/]/gu, '\\$&');

/** 百分之九十五 → 95%: documents write the same share both ways. */
export function percentsAsDigits(text: string): string {
  if (!text.includes('百分之')) return text;
  return text.replace(new RegExp(`百分之(${NUMERAL})`, 'gu'), (m, n: string) => {
    const v = chineseNumeralValue(n);
    return v === null ? m : `${v}%`;
  });
}

/** 百分之九十五 → 95%, 三年 → 3年, 十二个班 → 12个班 (after the given measure words); ordinals (第三篇) stay. */
export function arabicQuantities(text: string, measureWords: readonly string[]): string {
  const units = [...measureWords].sort((a, b) => b.length - a.length).map(escape).join('|');
  // 930万元 keeps its 万: a Chinese numeral run right after Arabic digits is a unit of them, not a number.
  const quantity = new RegExp(`(?<![第\\d.])(${NUMERAL})(?=(?:${units}))`, 'gu');
  return percentsAsDigits(text).replace(quantity, (m, n: string) => {
    const v = chineseNumeralValue(n);
    return v === null ? m : String(v);
  });
}
