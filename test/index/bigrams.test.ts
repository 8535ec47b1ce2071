import { describe, expect, it } from 'vitest';
import { bigramColumn, bigramSearchQuery, charColumn, letterDigitRuns, RUN_BREAK, runBigrams, substringPlan } from '../../src/index/bigrams.js';

describe('character bigrams', () => {
  it('cuts search-normalised text into letter/digit runs at punctuation and spaces', () => {
    expect(letterDigitRuns('师生比例为1:11.58,生均校舍')).toEqual(['师生比例为1', '11', '58', '生均校舍']);
    expect(letterDigitRuns('“双语”教育')).toEqual(['双语', '教育']);
  });

  it('gives overlapping bigrams of a run, and a one-character run as itself', () => {
    expect(runBigrams('义务教育')).toEqual(['义务', '务教', '教育']);
    expect(runBigrams('县')).toEqual(['县']);
    // By code point: a character outside the BMP is one character.
    expect(runBigrams('𠀋学')).toEqual(['𠀋学']);
  });

  it('indexes NFKC + lower-case text, runs apart, and the distinct letters and digits', () => {
    expect(bigramColumn('ＡＢ校，县 教育')).toBe(`ab b校 ${RUN_BREAK} 县 ${RUN_BREAK} 教育`);
    expect(charColumn('ＡＢ校，县 教育，学校')).toBe('a b 校 县 教 育 学');
  });

  it('queries the distinct bigrams of a question, OR-ed', () => {
    expect(bigramSearchQuery('师生比？师生')).toBe('"师生" OR "生比"');
    expect(bigramSearchQuery('？！')).toBeNull();
  });

  it('plans an exact count for a term of one run, a checked one across punctuation, a scan without letters', () => {
    expect(substringPlan('义务教育')).toEqual({ kind: 'exact', table: 'bigrams', match: '"义务 务教 教育"' });
    expect(substringPlan('教')).toEqual({ kind: 'exact', table: 'chars', match: '"教"' });
    // The longer runs narrow the candidates; a one-character run adds nothing the check does not.
    expect(substringPlan('1:11.58')).toEqual({ kind: 'candidates', table: 'bigrams', match: '"11" AND "58"' });
    expect(substringPlan('a.b')).toEqual({ kind: 'candidates', table: 'chars', match: '"a" AND "b"' });
    expect(substringPlan('%')).toEqual({ kind: 'scan' });
    expect(substringPlan('')).toEqual({ kind: 'empty' });
  });
});
