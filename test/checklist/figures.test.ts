import { describe, expect, it } from 'vitest';
import { parseFigure } from '../../src/checklist/figures.js';

const people = { unit: '人', integer: true };
const area = { unit: '平方米', integer: false };
const wan = { unit: '万元', integer: false };
const yuan = { unit: '元', integer: false };
const value = (input: string, field = people) => {
  const r = parseFigure(input, field);
  if (!r.ok) throw new Error(r.reason);
  return r.value;
};
const reason = (input: string, field = people) => {
  const r = parseFigure(input, field);
  if (r.ok) throw new Error(`accepted ${input}`);
  return r.reason;
};

describe('parseFigure', () => {
  it('reads Arabic, full-width and Chinese numerals', () => {
    expect(value('1850')).toBe(1850);
    expect(value('１２３')).toBe(123);
    expect(value('三百二十')).toBe(320);
    expect(value('两千零五')).toBe(2005);
    expect(value('一千二')).toBe(1200);
    expect(value('1千2')).toBe(1200);
    expect(value('3万5')).toBe(35000);
    expect(value('3千5百')).toBe(3500);
    expect(value('1.2万')).toBe(12000);
    expect(value('4.5', area)).toBe(4.5);
    expect(value('七点五', area)).toBe(7.5);
  });

  it('drops thousands separators and says it normalised the text', () => {
    const r = parseFigure('1,234', people);
    expect(r).toEqual({ ok: true, value: 1234, approximate: false, normalized: '1234' });
  });

  it('understands units and converts 元 and 万元', () => {
    expect(value('14060平方米', area)).toBe(14060);
    expect(value('14060㎡', area)).toBe(14060);
    // 平 is how people say 平方米 (3500平).
    expect(value('3500平', area)).toBe(3500);
    expect(value('3500平米', area)).toBe(3500);
    expect(value('462.5万元', wan)).toBe(462.5);
    // 万 alone after a sum of money is 万元: 50万 into a 万元 field is 50, not 500000.
    expect(value('50万', wan)).toBe(50);
    expect(value('3万', yuan)).toBe(30000);
    expect(value('4625000元', wan)).toBeCloseTo(462.5);
    expect(value('46.25万元', yuan)).toBe(462500);
    expect(value('46间', { unit: '间', integer: true })).toBe(46);
  });

  it('marks "约300" and "300左右" as approximate, to be confirmed', () => {
    expect(parseFigure('约300', people)).toEqual({ ok: true, value: 300, approximate: true, normalized: '300' });
    expect(parseFigure('300人左右', people)).toMatchObject({ ok: true, value: 300, approximate: true });
  });

  it('refuses nonsense with a Chinese reason', () => {
    expect(reason('-1680', area)).toMatch(/负数/);
    expect(reason('很多')).toMatch(/不是一个数字/);
    expect(reason('300-400')).toMatch(/范围/);
    expect(reason('12.5')).toMatch(/整数/);
    expect(reason('300平方米')).toMatch(/单位不对/);
    expect(reason('')).toMatch(/没有填/);
  });
});
