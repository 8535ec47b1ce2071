import { describe, expect, it } from 'vitest';
import { answerFeatures, answerProbability, decide, missingFromQuotes } from '../../src/answer/answerability.js';
import { bestWindowShare, candidateFeatures, unknownKeyShare, type CandidateTexts } from '../../src/answer/features.js';
import { planQuery } from '../../src/answer/plan.js';
import { rerank } from '../../src/answer/rank.js';
import { bigramsOf, fuse, searchTerms } from '../../src/answer/recall.js';
import { ANSWER_FEATURES, type Tuning } from '../../src/answer/tuning.js';
import { startTuning } from '../../src/eval/fit.js';
import { testLexicon } from './lexiconFixture.js';

const lexicon = testLexicon();
const idf = () => 1;
const texts = (text: string, heading = '', context = ''): CandidateTexts => ({ text, heading, section: heading, context: `${heading} ${context}` });
const noRanks = { word: 0, bigram: 0, vector: 0 };

describe('fuse', () => {
  it('keeps every channel rank and orders by reciprocal rank fusion', () => {
    const fused = fuse({ word: [1, 2], bigram: [2, 3], vector: [2] }, 60);
    expect(fused[0]!.id).toBe(2);
    expect(fused[0]!.ranks).toEqual({ word: 1, bigram: 0, vector: 0 });
    expect(fused.find((f) => f.id === 3)!.ranks).toEqual({ word: null, bigram: 1, vector: null });
    expect(fused.map((f) => f.id).sort()).toEqual([1, 2, 3]);
  });
});

describe('searchTerms', () => {
  it('keeps the rarest words, drops words most passages contain and words no passage has', () => {
    const df: Record<string, number> = { 学校: 900, 音乐: 30, 教室: 80, 校医: 0, 面积: 120 };
    const p = { maxQueryTerms: 2, maxTermShare: 0.2, maxTermPostings: 4000 };
    expect(searchTerms(['学校', '音乐', '教室', '校医', '面积'], (t) => df[t] ?? 0, 1000, p)).toEqual(['音乐', '教室']);
  });

  it('in a large corpus, also drops words with very long posting lists', () => {
    const df: Record<string, number> = { 音乐: 300, 教室: 9000 };
    expect(searchTerms(['音乐', '教室'], (t) => df[t] ?? 0, 100_000, { maxQueryTerms: 12, maxTermShare: 0.35, maxTermPostings: 4000 })).toEqual(['音乐']);
  });

  it('bigrams stay inside each word', () => {
    expect(bigramsOf(['音乐教室', '县'])).toEqual(['音乐', '乐教', '教室', '县']);
  });

  it('falls back to the common words when the question has nothing rarer', () => {
    expect(searchTerms(['学校'], () => 900, 1000, { maxQueryTerms: 12, maxTermShare: 0.2, maxTermPostings: 4000 })).toEqual(['学校']);
  });
});

describe('candidate features', () => {
  it('a window share counts only concepts close together', () => {
    const concepts = [
      { forms: ['音乐'], parts: [], w: 1 },
      { forms: ['教室'], parts: [], w: 1 },
    ];
    expect(bestWindowShare('音乐专用教室', concepts, 2, 60)).toBe(1);
    expect(bestWindowShare(`音乐${'。'.repeat(80)}教室`, concepts, 2, 60)).toBe(0.5);
  });

  it('a passage that gives a total does not state a per-student figure', () => {
    const plan = planQuery('生均经费是多少', { lexicon });
    expect(candidateFeatures(plan, texts('全县经费共计3000万元'), noRanks, idf, lexicon).unitStated).toBe(0);
    expect(candidateFeatures(plan, texts('生均经费不低于800元'), noRanks, idf, lexicon).unitStated).toBe(1);
  });

  it('a year question is answered only by a passage with a year', () => {
    const plan = planQuery('优质均衡办法哪一年发布', { lexicon });
    expect(candidateFeatures(plan, texts('优质均衡办法已经发布'), noRanks, idf, lexicon).factStated).toBe(0);
    expect(candidateFeatures(plan, texts('优质均衡办法2017年发布'), noRanks, idf, lexicon).factStated).toBe(1);
  });

  it('a figure asked in a measure word is stated only in a way documents write that measure; 几个 accepts any', () => {
    const people = planQuery('学校有几名教师', { lexicon });
    expect(candidateFeatures(people, texts('学校有教师30人'), noRanks, idf, lexicon).measureStated).toBe(1);
    expect(candidateFeatures(people, texts('学校有教师和3间教室'), noRanks, idf, lexicon).measureStated).toBe(0);
    const any = planQuery('学校有几个教室', { lexicon });
    expect(candidateFeatures(any, texts('学校有3间教室'), noRanks, idf, lexicon).measureStated).toBe(1);
  });

  it('topic words in the heading count; words only in the context count apart', () => {
    const plan = planQuery('音乐教室面积', { lexicon });
    const f = candidateFeatures(plan, texts('不小于96平方米', '音乐教室 面积'), noRanks, idf, lexicon);
    expect(f.coverage).toBe(0);
    expect(f.headingOnly).toBeGreaterThan(0);
    expect(f.keyInText).toBeGreaterThan(0);
  });

  it('a word the corpus never uses raises the unknown share', () => {
    const plan = planQuery('校医配备标准', { lexicon });
    const df = (t: string) => (t.includes('校医') ? 0 : 5);
    expect(unknownKeyShare(plan, df, idf)).toBeGreaterThan(0);
    expect(unknownKeyShare(planQuery('教师配备标准', { lexicon }), () => 5, idf)).toBe(0);
  });
});

describe('rerank', () => {
  it('orders by the weighted features, ties by the fused order', () => {
    const base = candidateFeatures(planQuery('教师', { lexicon }), texts('无关'), noRanks, idf, lexicon);
    const a = { id: 1, features: { ...base, coverage: 0 } };
    const b = { id: 2, features: { ...base, coverage: 1 } };
    const weights = { ...startTuning().rerank };
    expect(rerank([a, b], weights).map((c) => c.id)).toEqual([2, 1]);
    expect(rerank([a, { ...a, id: 3 }], weights).map((c) => c.id)).toEqual([1, 3]);
  });
});

function tuningWith(threshold: number): Tuning {
  const t = startTuning();
  // Probability rises with the key-topic share of the best candidate.
  const weights = Object.fromEntries(ANSWER_FEATURES.map((f) => [f, f === 'keyInText' ? 10 : 0])) as Tuning['answerability']['weights'];
  return { ...t, answerability: { ...t.answerability, weights, mean: { ...t.answerability.mean, keyInText: 0.5 }, threshold } };
}

describe('decide', () => {
  const ranked = (question: string, ...passages: string[]) => {
    const plan = planQuery(question, { lexicon });
    return { plan, ranked: passages.map((p, i) => ({ id: i, score: 1 - i * 0.1, features: candidateFeatures(plan, texts(p), noRanks, idf, lexicon) })) };
  };

  it('answers when the best passage covers the topic and states the asked fact', () => {
    const { plan, ranked: r } = ranked('音乐教室面积是多少', '音乐教室面积不小于96平方米');
    expect(decide({ plan, ranked: r, unknownKeyShare: 0, unknownScope: [] }, tuningWith(0.5), lexicon).status).toBe('answered');
  });

  it('is partial when the passage is on topic but gives no figure in the asked unit', () => {
    const { plan, ranked: r } = ranked('生均经费是多少', '经费按时足额拨付，经费共计3000万元');
    const d = decide({ plan, ranked: r, unknownKeyShare: 0, unknownScope: [] }, tuningWith(0.5), lexicon);
    expect(d.status).toBe('partial');
    if (d.status === 'partial') expect(d.asked.label).toContain('生均');
  });

  it('takes a lower passage that states the fact over a top one that does not', () => {
    const { plan, ranked: r } = ranked('优质均衡办法哪一年发布', '优质均衡办法发布施行', '优质均衡办法2017年发布');
    const d = decide({ plan, ranked: r, unknownKeyShare: 0, unknownScope: [] }, tuningWith(0.5), lexicon);
    expect(d).toMatchObject({ status: 'answered', chosen: 1 });
  });

  it('a question naming a document is answered from that document\'s best passage near the top, not a higher one elsewhere', () => {
    const plan = planQuery('整改方案里专项资金用在哪', { lexicon });
    const under = (title: string, text: string) => ({ text, heading: title, section: '', context: title });
    const r = [
      { id: 0, score: 2, features: candidateFeatures(plan, under('某县均衡发展规划', '专项资金优先用于薄弱学校。'), noRanks, idf, lexicon) },
      { id: 1, score: 1, features: candidateFeatures(plan, under('小学均衡发展整改工作实施方案', '将专项资金用于乡村学校建设。'), noRanks, idf, lexicon) },
    ];
    expect(decide({ plan, ranked: r, unknownKeyShare: 0, unknownScope: [] }, tuningWith(0), lexicon)).toMatchObject({ status: 'answered', chosen: 1 });
    // The named document's passage that does not state what was asked leaves the answer partial, quoting it.
    const when = planQuery('整改方案哪一年完成', { lexicon });
    const dated = [
      { id: 0, score: 2, features: candidateFeatures(when, under('某县工作总结', '2020年完成整改。'), noRanks, idf, lexicon) },
      { id: 1, score: 1, features: candidateFeatures(when, under('小学均衡发展整改工作实施方案', '按期完成整改。'), noRanks, idf, lexicon) },
    ];
    expect(decide({ plan: when, ranked: dated, unknownKeyShare: 0, unknownScope: [] }, tuningWith(0), lexicon)).toMatchObject({ status: 'partial', chosen: 1 });
  });

  it('a passage stating the figure for another place is partial, naming the place asked', () => {
    const plan = planQuery('库车市的学校要配几名校医', { lexicon });
    const r = [{ id: 0, score: 1, features: candidateFeatures(plan, texts('轮台县的学校要配校医2名'), noRanks, idf, lexicon) }];
    expect(decide({ plan, ranked: r, unknownKeyShare: 0, unknownScope: [] }, tuningWith(0), lexicon)).toMatchObject({
      status: 'partial',
      asked: { kind: 'scope', label: '库车市' },
    });
  });

  it('a local question (这个区的方案) is partial when the passage comes from a document that never speaks of itself as a district', () => {
    const plan = planQuery('这个区的方案要求社会认可度达到百分之多少', { lexicon });
    expect(plan.localOnly).toBe(true);
    const at = (levels: Map<string, number>) => ({ ...texts('社会认可度达到85%以上。'), levels });
    const county = [{ id: 0, score: 1, features: candidateFeatures(plan, at(new Map([['县', 1]])), noRanks, idf, lexicon) }];
    expect(decide({ plan, ranked: county, unknownKeyShare: 0, unknownScope: [] }, tuningWith(0), lexicon)).toMatchObject({
      status: 'partial',
      asked: { kind: 'scope', label: '这个区' },
    });
    const district = [{ id: 0, score: 1, features: candidateFeatures(plan, at(new Map([['区', 0.8], ['县', 0.2]])), noRanks, idf, lexicon) }];
    expect(decide({ plan, ranked: district, unknownKeyShare: 0, unknownScope: [] }, tuningWith(0), lexicon).status).toBe('answered');
  });

  it('a passage without the numbered items asked (第4条) is partial, naming them; one holding them answers', () => {
    const { plan, ranked: r } = ranked('实施方案的第4条和第5条讲什么', '实施方案：1、成立领导小组。2、落实经费。3、开展培训。');
    expect(decide({ plan, ranked: r, unknownKeyShare: 0, unknownScope: [] }, tuningWith(0), lexicon)).toMatchObject({
      status: 'partial',
      asked: { kind: 'items', label: '第4条、第5条' },
    });
    const held = ranked('实施方案的第4条和第5条讲什么', '实施方案：\n4、改善办学条件。\n5、加强教师培训。');
    expect(decide({ ...held, unknownKeyShare: 0, unknownScope: [] }, tuningWith(0), lexicon).status).toBe('answered');
  });

  it('an item number at the end of the previous passage is not one this passage holds; one in its section path is', () => {
    const plan = planQuery('保障措施第3条是什么', { lexicon });
    const ctx: CandidateTexts = { text: '成立组织机构，落实责任。', heading: '某校方案 四、保障措施', section: '四、保障措施 › 1、成立组织机构', context: '某校方案 3、硬化面积780平方米。' };
    expect(candidateFeatures(plan, ctx, noRanks, idf, lexicon).itemsFound).toBe(0);
    expect(candidateFeatures(plan, { ...ctx, section: '四、保障措施 › 3、搞好校本教研' }, noRanks, idf, lexicon).itemsFound).toBe(1);
  });

  it('a passage under a heading naming only the other evaluation (问优均, 六、基本均衡的评估内容) is marked; one under the asked one is not', () => {
    const plan = planQuery('优均评估包括几个方面', { lexicon });
    expect(plan.alternatives).toEqual([{ named: ['优质均衡', '优均'], others: ['基本均衡', '基均'] }]);
    const under = (section: string): CandidateTexts => ({ text: '评估分四个方面。', heading: section, section, context: section });
    // The document title names both; the nearest heading naming either decides.
    expect(candidateFeatures(plan, under('标准整理稿（基本均衡、优质均衡）\n六、基本均衡的评估内容\n（一）四个方面'), noRanks, idf, lexicon).otherAlternative).toBe(1);
    expect(candidateFeatures(plan, under('标准整理稿（基本均衡、优质均衡）\n二、优质均衡的评估框架\n（一）四个方面'), noRanks, idf, lexicon).otherAlternative).toBe(0);
    expect(candidateFeatures(planQuery('基本均衡和优质均衡有什么区别', { lexicon }), under('六、基本均衡的评估内容'), noRanks, idf, lexicon).otherAlternative).toBe(0);
  });

  it('an answer whose quotes never state the asked kind of fact lacks that fact', () => {
    const plan = planQuery('县里每年发奖多少', { lexicon });
    expect(missingFromQuotes(plan, ['县里每年表彰优秀教师和先进学校。'], lexicon)?.kind).toBe('figure');
    expect(missingFromQuotes(plan, ['县里每年表彰优秀教师。', '奖励资金60万元。'], lexicon)).toBeNull();
    expect(missingFromQuotes(planQuery('县里怎么表彰老师', { lexicon }), ['县里每年表彰优秀教师。'], lexicon)).toBeNull();
  });

  it('a counted figure stands in the clause that names what is counted (多少个教学班 is not 新增学位4320个)', () => {
    const corpus = ['英阿瓦提小学现有6个教学班', '每位教师累计接受业务培训240学时以上'];
    const df = (t: string) => corpus.filter((x) => x.includes(t)).length;
    const plan = planQuery('充国小学建成后设了多少个教学班', { lexicon, df });
    expect(plan.concepts[plan.counted!]?.forms[0]).toBe('教学班');
    const counted = (text: string) => candidateFeatures(plan, texts(text), noRanks, idf, lexicon).countedNear;
    expect(counted('新建充国小学，新增学位4320个，化解大班额。')).toBe(0);
    expect(counted('充国小学设教学班，规模逐年扩大。')).toBe(0);
    expect(counted('充国小学现有24个教学班。')).toBe(1);
    // Nothing is counted: 多少 ends the question, or a name follows it.
    expect(planQuery('充国小学的教学班有多少', { lexicon, df }).counted).toBeNull();
    expect(candidateFeatures(planQuery('充国小学的教学班有多少', { lexicon, df }), texts('新增学位4320个。'), noRanks, idf, lexicon).countedNear).toBe(1);
    // A word no passage holds (学识 typed for 学时) is not looked for.
    expect(planQuery('老师培训累计要多少学识', { lexicon, df }).counted).toBeNull();
  });

  it('marks a passage whose nearest heading holds the frame noun asked (目标), not one where only an outer heading does', () => {
    const plan = planQuery('英阿瓦提小学的目标有哪些', { lexicon });
    const under = (section: string): CandidateTexts => ({ text: '入学率达到100%。', heading: section, section, context: section });
    expect(candidateFeatures(plan, under('实施方案\n二、目标规划'), noRanks, idf, lexicon).frameInSection).toBe(1);
    expect(candidateFeatures(plan, under('二、目标规划\n（一）校舍建设'), noRanks, idf, lexicon).frameInSection).toBe(0);
    expect(candidateFeatures(planQuery('英阿瓦提小学的校舍', { lexicon }), under('二、目标规划'), noRanks, idf, lexicon).frameInSection).toBe(0);
  });

  it('never answers below the threshold, but says what an on-topic passage does say (partial)', () => {
    const stated = ranked('体育场馆面积是多少', '体育场馆面积不小于5000平方米');
    expect(decide({ ...stated, unknownKeyShare: 0, unknownScope: [] }, tuningWith(0), lexicon).status).toBe('answered');
    expect(decide({ ...stated, unknownKeyShare: 0, unknownScope: [] }, tuningWith(1), lexicon)).toMatchObject({ status: 'not_found', reason: 'no_match' });
    const unstated = ranked('体育场馆面积是多少', '体育场馆面积逐年扩大');
    expect(decide({ ...unstated, unknownKeyShare: 0, unknownScope: [] }, tuningWith(1), lexicon).status).toBe('partial');
  });

  it('leaves a question in two parts to the rules: the probability scores one passage, not a passage per part', () => {
    const two = ranked('体育场馆面积是多少？音乐教室面积是多少？', '体育场馆面积不小于5000平方米', '音乐教室面积不小于96平方米');
    expect(two.plan.parts).not.toBeNull();
    const byRules = decide({ ...two, unknownKeyShare: 0, unknownScope: [] }, tuningWith(0), lexicon).status;
    expect(byRules).not.toBe('not_found');
    expect(decide({ ...two, unknownKeyShare: 0, unknownScope: [] }, tuningWith(1), lexicon).status).toBe(byRules);
    const one = ranked('体育场馆面积是多少', '体育场馆面积不小于5000平方米');
    expect(decide({ ...one, unknownKeyShare: 0, unknownScope: [] }, tuningWith(1), lexicon).status).toBe('not_found');
  });

  it('refuses with no topic, and for a name the corpus never mentions', () => {
    const { plan, ranked: r } = ranked('体育场馆面积是多少', '校舍面积充足');
    const empty = ranked('有什么要求', '音乐教室面积不小于96平方米');
    expect(decide({ ...empty, unknownKeyShare: 0, unknownScope: [] }, tuningWith(0), lexicon)).toMatchObject({ status: 'not_found', reason: 'no_topic' });
    expect(decide({ plan, ranked: r, unknownKeyShare: 0, unknownScope: ['某某县'] }, tuningWith(0), lexicon)).toMatchObject({
      status: 'not_found',
      reason: 'scope_missing',
      missing: ['某某县'],
    });
  });

  it('is off topic when no passage near the top holds any topic word of the question', () => {
    const { plan, ranked: r } = ranked('明天天气怎么样', '音乐教室面积不小于96平方米', '体育场地');
    expect(decide({ plan, ranked: r, unknownKeyShare: 0, unknownScope: [] }, tuningWith(0), lexicon)).toMatchObject({ status: 'not_found', reason: 'off_topic' });
  });

  it('the probability is a logistic of the standardised features', () => {
    const { plan, ranked: r } = ranked('音乐教室面积', '音乐教室面积');
    const f = answerFeatures({ plan, ranked: r, unknownKeyShare: 0 })!;
    const t = tuningWith(0.5);
    expect(answerProbability(f, t.answerability)).toBeCloseTo(1 / (1 + Math.exp(-10 * (f.keyInText - 0.5))), 10);
  });
});
