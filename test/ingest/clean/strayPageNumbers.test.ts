import { describe, expect, it } from 'vitest';
import { removeStrayPageNumbers } from '../../../src/ingest/clean/strayPageNumbers.js';
import type { Block } from '../../../src/ingest/types.js';

const lines = (...texts: string[]): Block[] => texts.map((text) => ({ kind: 'line', text }));
const long = '为进一步优化教育资源配置，全县统筹推进学校布局调整工作，坚持就近入学原则，';

describe('removeStrayPageNumbers', () => {
  it('strips increasing page numbers left at the end of broken lines', () => {
    const out = removeStrayPageNumbers(lines(`${long}确保资 4`, '源合理利用。', `${long}建设工程。6`, '解决教师不足问题。'));
    expect(out.map((b) => b.text)).toEqual([`${long}确保资`, '源合理利用。', `${long}建设工程。`, '解决教师不足问题。']);
  });

  it('needs at least two candidates in increasing order', () => {
    const one = lines(`${long}共建成教室 12`, '间。');
    expect(removeStrayPageNumbers(one)).toEqual(one);
    const down = lines(`${long}甲 9`, '乙。', `${long}丙 3`, '丁。');
    expect(removeStrayPageNumbers(down)).toEqual(down);
  });

  it('keeps numbers on short lines, before digits or before a new item', () => {
    const keep = lines('学校数 4', '所。', `${long}达标率 1`, '00%。', `${long}共 5`, '6、下一项。');
    expect(removeStrayPageNumbers(keep)).toEqual(keep);
  });

  it('leaves PDF lines alone (numbers at line ends are normal there)', () => {
    const pdf: Block[] = [
      { kind: 'line', text: `${long}教师 199`, page: 1 },
      { kind: 'line', text: '人。', page: 1 },
      { kind: 'line', text: `${long}学校 242`, page: 1 },
      { kind: 'line', text: '所。', page: 1 },
    ];
    expect(removeStrayPageNumbers(pdf)).toEqual(pdf);
  });
});
