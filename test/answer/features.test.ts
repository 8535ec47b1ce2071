import { describe, expect, it } from 'vitest';
import { candidateFeatures, charsInSentence, documentLevels, factStated, inYearRange, statesMeasure } from '../../src/answer/features.js';
import { testLexicon } from './lexiconFixture.js';
import { loadLexicon } from '../../src/answer/lexicon.js';
import { planQuery } from '../../src/answer/plan.js';

describe('factStated', () => {
  const lexicon = loadLexicon();
  it('does not take a list item\'s number （3） for the figure asked', () => {
    const plan = planQuery('随迁子女在公办学校就读的比例是多少', { lexicon });
    expect(factStated(plan, '（3）关注进城务工人员子女等弱势群体，确保随迁子女依法平等接受教育。', lexicon)).toBe(false);
    expect(factStated(plan, '（3）随迁子女在公办学校就读的比例达到85%。', lexicon)).toBe(true);
  });

  it('does not take 健全覆盖 (健全 + 覆盖) for 全覆盖', () => {
    const plan = planQuery('随迁子女在公办学校就读的比例是多少', { lexicon });
    expect(factStated(plan, '健全覆盖各级各类教育的学生资助体系，保障随迁子女入学。', lexicon)).toBe(false);
    expect(factStated(plan, '随迁子女入学实现全覆盖。', lexicon)).toBe(true);
  });

  it('a ratio written in words (A与B的比值) states a computation', () => {
    const plan = planQuery('师生比是咋算的', { lexicon });
    expect(factStated(plan, '其中师生比是指在册学生数与专任教师的比值。', lexicon)).toBe(true);
    expect(factStated(plan, '师生比例逐年优化。', lexicon)).toBe(false);
  });

  it('does not take a date or a 文号 for the figure asked', () => {
    const plan = planQuery('轮台县塔尔拉克乡中心小学现有多少学生和教师', { lexicon });
    expect(factStated(plan, '（轮台县塔尔拉克乡中心小学二〇一二年 3月）为全面贯彻2013—2017年规划', lexicon)).toBe(false);
    expect(factStated(plan, '出处：优质均衡办法（教督〔2017〕6号）第六条。', lexicon)).toBe(false);
    expect(factStated(plan, '2012年，全校在校生326人，教师21人。', lexicon)).toBe(true);
  });

  it('does not take a common word ending like a place name (升旗, 城乡, 社区) for the place asked', () => {
    const plan = planQuery('北永康小学属于哪个县哪个镇', { lexicon });
    expect(factStated(plan, '通过升旗仪式、红领巾广播站等活动，推进城乡学校结对，走进社区。', lexicon)).toBe(false);
    expect(factStated(plan, '北永康小学位于拜城县康其乡，通过升旗仪式开展教育。', lexicon)).toBe(true);
  });

  it('does not take a kind of county (优质均衡发展县, 示范县) for the place asked', () => {
    const plan = planQuery('这个方案是哪个区制定的', { lexicon });
    expect(factStated(plan, '根据《***省义务教育优质均衡发展县(市区)督导评估实施办法》，结合我区实际，制定本方案。', lexicon)).toBe(false);
    expect(factStated(plan, '根据大连市金州区实际，制定本方案。', lexicon)).toBe(true);
  });

  it('does not take an item number written 2. (full width 2． after normalising) for the figure asked', () => {
    const plan = planQuery('整改方案给乡村学校安排的专项资金是多少', { lexicon });
    expect(factStated(plan, '2.任务。 将专项资金用于加强乡村学校建设。 3.原则。', lexicon)).toBe(false);
    expect(factStated(plan, '2.任务。 安排专项资金2.5万元用于乡村学校。', lexicon)).toBe(true);
  });
});

describe('inYearRange', () => {
  it('a year inside a stated range (2018—2020年…分别为) is covered; the ends are matched as numbers elsewhere', () => {
    expect(inYearRange('2018—2020年一般公共预算教育经费占比分别为24.8%、25.41%、27.64%', '2019')).toBe(true);
    expect(inYearRange('2016年至2020年累计投入', '2018')).toBe(true);
    expect(inYearRange('2018—2020年分别为', '2021')).toBe(false);
    expect(inYearRange('2018年、2020年两次', '2019')).toBe(false);
  });
});

describe('statesMeasure', () => {
  it('finds a figure written in the asked measure, in digits or Chinese numerals', () => {
    expect(statesMeasure('新建学校12所', ['所'])).toBe(true);
    expect(statesMeasure('每校配备两间音乐教室', ['间'])).toBe(true);
    expect(statesMeasure('生均图书30册', ['册', '本'])).toBe(true);
  });

  it('does not take a date (2014年) for a number of years', () => {
    expect(statesMeasure('同样比例见于2014年的交流意见', ['年'])).toBe(false);
    expect(statesMeasure('校长教师在同一学校任职满6年应交流', ['年'])).toBe(true);
  });

  it('does not take 每一位 (each) or an ordinal (第3名) for a count', () => {
    expect(statesMeasure('宽容与善待每一位学生', ['人', '名', '位'])).toBe(false);
    expect(statesMeasure('全市排名第3名', ['人', '名', '位'])).toBe(false);
    expect(statesMeasure('全校有一百二十名学生', ['人', '名', '位'])).toBe(true);
    expect(statesMeasure('现有学生289人', ['人', '名', '位'])).toBe(true);
  });

  it('does not take a figure in another measure for the asked one', () => {
    expect(statesMeasure('小学不少于 2.3 间/百生', ['台'])).toBe(false);
    expect(statesMeasure('全县不少于 85 %', ['人', '名', '位'])).toBe(false);
  });

  it('a percentage counts whether written 85% or 百分之八十五; a bare number does not', () => {
    expect(statesMeasure('社会认可度达到85%以上', ['%', '成'])).toBe(true);
    expect(statesMeasure('社会认可度达到百分之八十五', ['%', '成'])).toBe(true);
    expect(statesMeasure('社会认可度达到8', ['%', '成'])).toBe(false);
  });

  it('any text will do when any measure will do', () => {
    expect(statesMeasure('没有数字', [])).toBe(true);
  });
});

describe('administrative levels', () => {
  const lexicon = testLexicon();
  it('a question points at a level by its own words, only where they start a word (城区里 holds no 区里)', () => {
    expect(planQuery('区里要求学生每天锻炼多长时间', { lexicon }).levels).toEqual(['区']);
    // 那个县 is no question word of the test lexicon, but 县 before 总结 names the county's document.
    expect(planQuery('这个区的方案和那个县的总结怎么说', { lexicon }).levels).toEqual(['区', '县']);
    expect(planQuery('城区里上学挤怎么办', { lexicon }).levels).toEqual([]);
    expect(planQuery('该县和这个区各是多少', { lexicon }).levels).toEqual(['区', '县']);
  });

  it('a document speaks of itself at the levels its words for itself name, as shares', () => {
    const levels = documentLevels(['我县投入资金，全县学校', '全区统筹', '县委县政府'], lexicon.adminLevels);
    expect(levels.get('县')).toBeCloseTo(2 / 3);
    expect(levels.get('区')).toBeCloseTo(1 / 3);
    expect(documentLevels(['学校建设标准'], lexicon.adminLevels).size).toBe(0);
  });

  it('levelMatch is the asked level\'s share in the passage\'s document, and 1 when no level is asked', () => {
    const ranks = { word: 0, bigram: 0, vector: 0 };
    const under = (levels: Map<string, number>) => ({ text: '学生每天锻炼1小时。', heading: '', section: '', context: '', levels });
    const asked = planQuery('区里要求学生每天锻炼多长时间', { lexicon });
    expect(candidateFeatures(asked, under(new Map([['县', 1]])), ranks, () => 1, lexicon).levelMatch).toBe(0);
    expect(candidateFeatures(asked, under(new Map([['区', 0.75], ['市', 0.25]])), ranks, () => 1, lexicon).levelMatch).toBe(0.75);
    const none = planQuery('学生每天锻炼多长时间', { lexicon });
    expect(candidateFeatures(none, under(new Map([['县', 1]])), ranks, () => 1, lexicon).levelMatch).toBe(1);
  });
});

describe('charsInSentence', () => {
  it('credits an abbreviation by the characters it shares with one sentence (控辍 in 辍学率控制在2%以内)', () => {
    const key = [{ forms: ['控辍'], parts: [], w: 1 }, { forms: ['入学'], parts: [], w: 1 }];
    expect(charsInSentence(['适龄儿童入学率达到100%，辍学率控制在2%以内。'], key)).toBe(1);
    expect(charsInSentence(['推进素质教育。', '严格控制入学年龄。'], key)).toBeCloseTo(0.75);
    expect(charsInSentence(['开齐课程。'], [])).toBe(1);
  });
});
