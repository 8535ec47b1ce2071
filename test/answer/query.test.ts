import { describe, expect, it } from 'vitest';
import { arabicQuantities, chineseNumeralValue, plainQuery, searchQuery, synonymsIn } from '../../src/answer/query.js';

describe('chineseNumeralValue', () => {
  it.each([
    ['三', 3], ['十', 10], ['十二', 12], ['二十五', 25], ['一百零五', 105], ['两千', 2000], ['一万二千', 12000], ['九十五', 95],
  ])('reads %s as %i', (s, v) => expect(chineseNumeralValue(s)).toBe(v));

  it('is null for text that is not a numeral', () => {
    expect(chineseNumeralValue('学校')).toBeNull();
    expect(chineseNumeralValue('')).toBeNull();
  });
});

describe('arabicQuantities', () => {
  it('writes quantities in digits as the documents do', () => {
    expect(arabicQuantities('百分之九十五')).toBe('95%');
    expect(arabicQuantities('为期一年的支教')).toBe('为期1年的支教');
    expect(arabicQuantities('每十二个班')).toBe('每12个班');
  });

  it('leaves ordinals and words alone', () => {
    expect(arabicQuantities('第三篇')).toBe('第三篇');
    expect(arabicQuantities('城乡一体化')).toBe('城乡一体化');
    expect(arabicQuantities('一票否决')).toBe('一票否决');
  });
});

describe('searchQuery', () => {
  it('drops question words and punctuation, folds full width, and adds the documents’ words', () => {
    const q = searchQuery('老师的工资有什么要求？');
    expect(q).not.toMatch(/什么|？/);
    expect(q).toContain('教师');
    expect(searchQuery('２０２０年的钱')).toMatch(/^2020年的钱 .*经费/);
  });

  it('maps threshold phrasing (最少 → 不低于/不少于)', () => {
    expect(synonymsIn('最少要占多少')).toEqual(expect.arrayContaining(['不低于', '不少于']));
  });

  it('keeps a question with only question words empty', () => {
    expect(plainQuery('什么？怎么？')).toBe('');
  });
});
