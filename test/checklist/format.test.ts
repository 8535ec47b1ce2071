import { describe, expect, it } from 'vitest';
import { formatValue, roundHalfUp } from '../../src/checklist/format.js';

describe('roundHalfUp', () => {
  it('rounds halves up at the shown precision, whatever binary floating point stores', () => {
    expect(roundHalfUp(0.476, 2)).toBe(0.48);
    expect(roundHalfUp(4.766, 2)).toBe(4.77);
    expect(roundHalfUp(4.765, 2)).toBe(4.77);
    // 1.005 is stored as 1.00499999999999989…; a person reads it as 1.005.
    expect(roundHalfUp(1.005, 2)).toBe(1.01);
    expect(roundHalfUp(2016.5, 0)).toBe(2017);
    expect(roundHalfUp(-1.005, 2)).toBe(-1.01);
  });
});

describe('formatValue', () => {
  it('shows two decimals by default, without trailing zeros in prose and with them in a table', () => {
    expect(formatValue(1.4054)).toBe('1.41');
    expect(formatValue(7.5)).toBe('7.5');
    expect(formatValue(2000)).toBe('2000');
    expect(formatValue(19666.666666)).toBe('19666.67');
    expect(formatValue(4.5, { fixed: true })).toBe('4.50');
    expect(formatValue(2016.95, { digits: 0, fixed: true })).toBe('2017');
  });

  it('shows a failing 0.476 as 0.48 when that stays below the threshold', () => {
    expect(formatValue(0.476, { judged: { threshold: 1, comparator: '>=', pass: false } })).toBe('0.48');
    expect(formatValue(4.766, { fixed: true, judged: { threshold: 5.8, comparator: '>=', pass: false } })).toBe('4.77');
  });

  it('never shows a failing value equal to or above its threshold: one more decimal instead', () => {
    expect(formatValue(0.476, { judged: { threshold: 0.48, comparator: '>=', pass: false } })).toBe('0.476');
    expect(formatValue(4.497, { fixed: true, judged: { threshold: 4.5, comparator: '>=', pass: false } })).toBe('4.497');
    expect(formatValue(4.4999, { judged: { threshold: 4.5, comparator: '>=', pass: false } })).toBe('4.4999');
    expect(formatValue(1999.6, { digits: 0, judged: { threshold: 2000, comparator: '>=', pass: false } })).toBe('1999.6');
  });

  it('never shows a failing value on the passing side of an upper limit either', () => {
    // 差异系数 0.4504 fails ≤ 0.45; 0.450 would read as met.
    expect(formatValue(0.4504, { digits: 3, fixed: true, judged: { threshold: 0.45, comparator: '<=', pass: false } })).toBe('0.4504');
    expect(formatValue(0.4496, { digits: 3, fixed: true, judged: { threshold: 0.45, comparator: '<=', pass: true } })).toBe('0.450');
  });

  it('keeps a passing value on its side too (0.1496 against < 0.15 is not shown as 0.15)', () => {
    expect(formatValue(0.1496, { judged: { threshold: 0.15, comparator: '<', pass: true } })).toBe('0.1496');
    expect(formatValue(4.5, { judged: { threshold: 4.5, comparator: '>=', pass: true } })).toBe('4.5');
  });

  it('shows a missing or non-finite value as a dash', () => {
    expect(formatValue(Number.NaN)).toBe('—');
  });
});
