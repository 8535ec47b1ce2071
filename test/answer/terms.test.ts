import { describe, expect, it } from 'vitest';
import { questionConcepts, quotedPhrases, sentencesOf } from '../../src/answer/terms.js';

const byForm = (q: string) => Object.fromEntries(questionConcepts(q).map((c) => [c.forms[0], c]));

describe('questionConcepts', () => {
  it('marks content nouns as key and leaves question frames and function words out of the key set', () => {
    const c = byForm('拜城县对校长培训有什么要求？');
    expect(c['校长']?.key).toBe(true);
    expect(c['要求']?.key).toBe(false);
    expect(c['对']).toBeUndefined();
  });

  it('treats place and school names as scope, which a passage may inherit from its section', () => {
    expect(byForm('拜城县对校长培训有什么要求？')['拜城县']).toMatchObject({ key: true, scope: true });
  });

  it('groups an everyday word with the documents’ words', () => {
    expect(byForm('农村孩子上学难怎么办')['孩子']?.forms).toEqual(expect.arrayContaining(['学生']));
  });

  it('does not require the words that only name the document being asked about', () => {
    const c = byForm('整改方案里怎么解决学生的住宿问题？');
    expect(c['方案']?.key).toBe(false);
    expect(c['住宿']?.key).toBe(true);
  });

  it('keeps a quoted phrase whole (in its parts when punctuated)', () => {
    expect(quotedPhrases('“有效课堂”由哪个部门抓？')).toEqual(['有效课堂']);
    const forms = questionConcepts('“片联校、教师走教”怎么排课？').map((c) => c.forms[0]);
    expect(forms).toEqual(expect.arrayContaining(['片联校', '教师走教']));
  });

  it('splits a long word into its sub-words for text that writes it apart', () => {
    const parts = byForm('初中生均公用经费是多少')['生均公用经费']?.parts ?? [];
    expect(parts).toEqual(expect.arrayContaining(['生均', '经费']));
    expect(parts).not.toContain('生均公用经费');
  });
});

describe('sentencesOf', () => {
  it('splits on 。！？； and keeps the terminator', () => {
    expect(sentencesOf('一是加强。二是落实；三是考核！')).toEqual(['一是加强。', '二是落实；', '三是考核！']);
  });
});
