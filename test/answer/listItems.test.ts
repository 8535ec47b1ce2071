import { describe, expect, it } from 'vitest';
import { itemNumbers, itemReferences } from '../../src/answer/listItems.js';

describe('itemReferences', () => {
  it('reads the items a question points at, in digits or Chinese numerals, once each', () => {
    expect(itemReferences('目标规划里的第4条和第5条是什么')).toEqual([
      { n: 4, words: '第4条' },
      { n: 5, words: '第5条' },
    ]);
    expect(itemReferences('第十四条讲的是什么，第十四条还有吗').map((r) => r.n)).toEqual([14]);
    expect(itemReferences('第三项指标').map((r) => r.n)).toEqual([3]);
  });

  it('is empty for ordinals that are no item (第一批, 第2名) and for questions without one', () => {
    expect(itemReferences('第一批通过认定的县有哪些')).toEqual([]);
    expect(itemReferences('考了第2名')).toEqual([]);
    expect(itemReferences('生均经费是多少')).toEqual([]);
  });
});

describe('itemNumbers', () => {
  it('finds articles anywhere and list markers at a line or sentence start', () => {
    expect([...itemNumbers('出处：优质均衡办法第六条第（四）项。')].sort((a, b) => a - b)).toEqual([6]);
    expect([...itemNumbers('目标：\n1、8室齐全。\n3、硬化面积780平方米。')].sort()).toEqual([1, 3]);
    expect([...itemNumbers('（二）保障经费。三、加强管理。4.培训教师。⑤督查')].sort()).toEqual([2, 3, 4, 5]);
  });

  it('does not take a figure for an item number (3.5平方米, 2、3所学校 inside a sentence)', () => {
    expect([...itemNumbers('生均面积不少于3.5平方米')]).toEqual([]);
    expect([...itemNumbers('新建学校2所')]).toEqual([]);
  });
});
