/**
 * The one rule for showing a checklist value, used by the self-check, its
 * report files, the county table and the tour: round half up to the shown
 * precision, and never let rounding move a value across its threshold (a
 * failing 4.497 against ≥ 4.5 is shown as 4.497, not 4.50). Pure.
 */
import { compare } from './rules.js';
import type { Comparator } from './types.js';

export interface ValueFormat {
  /** Decimals shown (default 2). */
  digits?: number;
  /** Keep trailing zeros (4.50), for table columns; prose drops them (4.5). */
  fixed?: boolean;
  /** The verdict the value got: its shown form must read the same way against the threshold. */
  judged?: { threshold: number; comparator: Comparator; pass: boolean };
}

/** Extra decimals tried before falling back to the full value. */
const MAX_EXTRA_DIGITS = 6;

/**
 * Half up at `digits` decimals (half away from zero for negatives). The value
 * is first cleaned to 12 significant digits so that binary noise (1.005 is
 * stored as 1.00499…) does not decide the rounding.
 */
export function roundHalfUp(value: number, digits: number): number {
  if (!Number.isFinite(value)) return value;
  const clean = Number(value.toPrecision(12));
  const scale = 10 ** digits;
  const scaled = Number((Math.abs(clean) * scale).toPrecision(12));
  return (Math.sign(clean) * Math.floor(scaled + 0.5)) / scale;
}

function render(value: number, digits: number, fixed: boolean): string {
  const text = value.toFixed(digits);
  const shown = fixed || digits === 0 ? text : String(Number(text));
  return shown === '-0' ? '0' : shown;
}

/** 1.4054 → "1.41", 7.5 → "7.5", 0.476 → "0.48"; a failing 4.497 against ≥ 4.5 → "4.497". */
export function formatValue(value: number, format: ValueFormat = {}): string {
  if (!Number.isFinite(value)) return '—';
  const digits = format.digits ?? 2;
  const fixed = format.fixed ?? false;
  const judged = format.judged;
  for (let d = digits; d <= digits + MAX_EXTRA_DIGITS; d++) {
    const rounded = roundHalfUp(value, d);
    if (!judged || compare(rounded, judged.comparator, judged.threshold) === judged.pass) return render(rounded, d, fixed);
  }
  return String(value);
}
