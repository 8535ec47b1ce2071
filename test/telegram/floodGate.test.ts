import { describe, expect, it } from 'vitest';
import { FloodGate } from '../../src/telegram/floodGate.js';

function clock(start = 1_000_000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

describe('FloodGate (per-user sliding window)', () => {
  it('passes `limit` updates, then asks for one notice and drops the rest', () => {
    const c = clock();
    const gate = new FloodGate(3, 10_000, c.now);
    const verdicts = Array.from({ length: 8 }, () => gate.admit('u'));
    expect(verdicts).toEqual(['pass', 'pass', 'pass', 'notice', 'drop', 'drop', 'drop', 'drop']);
  });

  it('never lets more than `limit` through in any window, wherever the flood starts', () => {
    // The library this replaces reset all counters on one global tick: a flood
    // straddling it got 2 × limit through. Start floods at many offsets.
    for (let offset = 0; offset < 10_000; offset += 700) {
      const c = clock(offset);
      const gate = new FloodGate(15, 10_000, c.now);
      const passedAt: number[] = [];
      for (let i = 0; i < 400; i++) {
        if (gate.admit('flooder') === 'pass') passedAt.push(c.now());
        c.advance(97);
      }
      for (const t of passedAt) {
        const inWindow = passedAt.filter((u) => u >= t && u < t + 10_000).length;
        expect(inWindow).toBeLessThanOrEqual(15);
      }
      // A steady flood is served at the limit's pace, not shut out for good.
      expect(passedAt.length).toBeGreaterThanOrEqual(15 * 3);
    }
  });

  it('keeps users apart: one user flooding does not limit another', () => {
    const c = clock();
    const gate = new FloodGate(2, 10_000, c.now);
    gate.admit('a');
    gate.admit('a');
    expect(gate.admit('a')).toBe('notice');
    expect(gate.admit('b')).toBe('pass');
    expect(gate.admit('b')).toBe('pass');
  });

  it('lets a user in again once the window has moved on, with a fresh notice for a new flood', () => {
    const c = clock();
    const gate = new FloodGate(2, 10_000, c.now);
    expect([gate.admit('u'), gate.admit('u'), gate.admit('u')]).toEqual(['pass', 'pass', 'notice']);
    c.advance(10_000);
    expect([gate.admit('u'), gate.admit('u'), gate.admit('u')]).toEqual(['pass', 'pass', 'notice']);
  });

  it('forgets users who went quiet, so memory does not grow with every user ever seen', () => {
    const c = clock();
    const gate = new FloodGate(5, 10_000, c.now);
    for (let i = 0; i < 1000; i++) gate.admit(`user${i}`);
    expect(gate.tracked).toBe(1000);
    c.advance(10_001);
    gate.admit('late');
    expect(gate.tracked).toBe(1);
  });
});
