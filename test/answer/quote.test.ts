import { describe, expect, it } from 'vitest';
import { planQuery } from '../../src/answer/plan.js';
import { isHeadingLike, quoteText, selectSentences, sentencesOf } from '../../src/answer/quote.js';
import { testLexicon } from './lexiconFixture.js';

const lexicon = testLexicon();
const idf = () => 1;
const quote = (question: string, text: string) => selectSentences(text, planQuery(question, { lexicon }), idf, lexicon).sentences.join('');

describe('a quote stays within its list item', () => {
  it('does not open with the last sentence of the item before (运动场馆 in item 4, asked about item 5)', () => {
    const text = '4.生均教学及辅助用房面积：小学不少于4.5平方米。计入哪些房间各地不同，有的扣除室内用房以免与生均体育运动场馆面积重复。5.生均体育运动场馆面积：小学不少于7.5平方米，初中不少于10.2平方米。';
    const q = quote('初中生均体育运动场馆面积要多少', text);
    expect(q).toContain('10.2平方米');
    expect(q).not.toContain('计入哪些房间');
  });
});

describe('a sentence that goes on from the one before', () => {
  it('is quoted with that sentence (若只有… after the example it is about)', () => {
    const text = '另有一所初中，仪器设备生均2200元，低于2500元。若只有仪器设备一项不达标但生均只有2000元，低于底线，也不合格。别的话。';
    const q = quote('仪器设备只有一项不达标算不算合格', text);
    expect(q).toContain('另有一所初中');
    expect(q).toContain('若只有仪器设备一项不达标');
  });
});

describe('names the segmenter mistakes for places (新建, 音乐教室)', () => {
  it('break a tie between sentences equally on topic: the one holding them is quoted', () => {
    const text = '从2019年至今，全县新建校舍30个，新建校门10个。三是加大配备力度，全县新建实验室33个、音乐教室63个。';
    const plan = planQuery('县里新建了几个音乐教室', { lexicon });
    expect(plan.concepts.some((c) => c.scope)).toBe(true);
    expect(selectSentences(text, plan, idf, lexicon).sentences[0]).toContain('音乐教室63个');
  });
});

describe('a year asked', () => {
  it('is inherited like a name: the sentence with the topic is quoted, not one that only shares the year', () => {
    const text = '小学教育生均预算内公用经费分别为2293.27元、2297.3元、2313.09元。二是足额拨付教育费附加。2018—2020年，全县教育费附加分别征收313万元、330万元、401万元。';
    const plan = planQuery('县里2020年小学生均公用经费多少', { lexicon });
    expect(plan.years).toContain('2020');
    // A year is rarer than the topic's words, yet the topic decides.
    const rareYear = (t: string) => (t === '2020' ? 5 : 1);
    const quoted = selectSentences(text, plan, rareYear, lexicon).sentences.join('');
    expect(quoted).toContain('公用经费分别为');
    expect(quoted).not.toContain('教育费附加');
  });
});

describe('quoteText', () => {
  it('joins neighbouring sentences as the passage writes them, so the quote is found in it verbatim', () => {
    const passage = '2.改善基础设施建设。\n政府加大投入。另一段。';
    const q = quoteText(passage, ['2.改善基础设施建设。', '政府加大投入。']);
    expect(q).toBe('2.改善基础设施建设。\n政府加大投入。');
    expect(passage).toContain(q);
  });
});

describe('sentencesOf', () => {
  it('keeps a closing quote or bracket with the sentence it closes, not at the start of the next', () => {
    expect(sentencesOf('他说：“每天都要读书。”学校将开展活动。（见附件。）下一句。')).toEqual(['他说：“每天都要读书。”', '学校将开展活动。', '（见附件。）', '下一句。']);
  });

  it('splits at sentence ends and where a second list item starts in the same line', () => {
    expect(sentencesOf('（一）音乐教室不小于96平方米。（二）美术教室不小于90平方米。')).toEqual(['（一）音乐教室不小于96平方米。', '（二）美术教室不小于90平方米。']);
    expect(sentencesOf('第一句；第二句\n第三行')).toEqual(['第一句；', '第二句', '第三行']);
  });
});

describe('isHeadingLike', () => {
  it('a short item line is a heading, a sentence with a figure is not', () => {
    expect(isHeadingLike('（三）资源配置', 24)).toBe(true);
    expect(isHeadingLike('1、注重课堂实效。', 24)).toBe(true);
    expect(isHeadingLike('（三）生均面积不低于8平方米。', 24)).toBe(false);
  });
});

describe('selectSentences', () => {
  it('quotes the answering sentence, not its neighbours about something else', () => {
    const q = quote('美术教室多大', '（一）音乐教室不小于96平方米。（二）美术教室不小于90平方米。（三）计算机教室按班配备。');
    expect(q).toBe('（二）美术教室不小于90平方米。');
  });

  it('never quotes a heading alone: the content after it comes too', () => {
    const q = quote('音乐教室的标准', '二、音乐教室\n每间音乐专用教室不小于96平方米。\n三、美术教室');
    expect(q).toContain('96平方米');
  });

  it('adds the neighbouring sentence that states the asked figure', () => {
    const q = quote('教师交流比例是多少', '县里每年组织教师交流轮岗。交流比例不低于10%，其中骨干教师不低于20%。');
    expect(q).toContain('10%');
  });

  it('quotes the item a 出处 line closes when only the 出处 line names what was asked (第六条)', () => {
    const text = '5.场馆面积：小学不少于7.5平方米。6.仪器设备值：小学不少于2000元，初中不少于2500元。出处：办法第六条第（六）项。';
    const q = quote('办法第六条讲了啥', text);
    expect(q).toBe('6.仪器设备值：小学不少于2000元，初中不少于2500元。出处：办法第六条第（六）项。');
  });

  it('keeps the 出处 line that follows the quoted rule', () => {
    const q = quote('申报优均要满足什么条件', '申报优质均衡须通过基本均衡认定满3年。出处：优质均衡办法。');
    expect(q).toContain('出处：优质均衡办法。');
  });

  it('a sentence inside an enumeration comes with the line that opens it', () => {
    const q = quote('优均申报条件', '申报优质均衡须同时具备两个前提：一是基本均衡认定满3年；二是年度监测保持较高水平。刚通过基本均衡的县还不能申报。');
    expect(q).toContain('两个前提：');
  });

  it('a short sentence ending in 。 is not taken for a heading', () => {
    expect(isHeadingLike('这两项在转载文本中读到。', 24)).toBe(false);
    expect(isHeadingLike('七、差异系数的计算方法', 24)).toBe(true);
  });

  it('room left on the screen goes to the next sentences of the same item, where the figure often is', () => {
    const text = '2.优化资源。对全县学校布局进行整合，实现县办中学、乡办小学的目标。全县小学由32所整合为16所。3.加强师资。每年培训教师。';
    const q = quote('轮台学校整合目标', text);
    expect(q).toContain('16所');
    expect(q).not.toContain('加强师资');
  });

  it('filling the screen stops at the next item of the restatement (第2项：)', () => {
    const text = '第1项：全县初中三年巩固率不低于95%。第2项：全县残疾儿童少年入学率不低于95%。第3项：所有学校制定章程。';
    const q = quote('初中巩固率要多少', text);
    expect(q).toContain('95%');
    expect(q).not.toContain('第2项');
  });

  it('filling the screen stops at the enumeration of a plan (三是…四是…)', () => {
    const text = '三是普及高中教育。基本普及高中阶段教育。四是加强继续教育。确保每位教师累计接受业务培训240学时以上。五是保障残疾人教育。';
    const q = quote('教师业务培训累计要多少学时', text);
    expect(q).toContain('240学时');
    expect(q).not.toContain('普及高中');
    expect(q).not.toContain('残疾人');
  });

  it('stays within the quote length', () => {
    const long = Array.from({ length: 20 }, (_, i) => `第${i}条教师培训要求说明内容。`).join('');
    expect(quote('教师培训', long).length).toBeLessThanOrEqual(lexicon.pipeline.maxQuote);
  });
});
