import { describe, expect, it } from 'vitest';
import { loadLexicon } from '../../src/answer/lexicon.js';
import { NumberWords } from '../../src/answer/numberTokens.js';
import { describeProblems, parseWritten, verifyGrounding as verifyWith, type Material } from '../../src/answer/verify.js';

const words = new NumberWords(loadLexicon().numeralIdioms);
const verifyGrounding = (text: string, materials: readonly Material[]) => verifyWith(text, materials, words);

const rooms: Material = {
  mark: 1,
  kind: 'passage',
  title: '县域义务教育优质均衡发展督导评估办法',
  text: '资源配置方面，每间音乐专用教室不小于96平方米，每间美术专用教室不小于90平方米。生均体育运动场馆面积小学、初中分别达到7.5平方米、10.2平方米。',
};
const balance: Material = {
  mark: 2,
  kind: 'passage',
  title: '关于印发《县域义务教育优质均衡发展督导评估办法》的通知',
  text: '教育部印发教督〔2017〕6号文件，自2017年4月起施行。小学、初中校际差异系数分别不高于0.50和0.45。',
};
const county: Material = {
  mark: 3,
  kind: 'fact',
  title: '本县核定数据',
  text: '全县义务教育学校教学仪器设备总值47900万元；达标学校比例85%；专任教师一千二百人。',
};
const given = [rooms, balance, county];

const one = (text: string): Material[] => [{ mark: 1, kind: 'passage', title: '材料', text }];
const codes = (r: ReturnType<typeof verifyGrounding>) => r.problems.map((p) => p.code);

describe('parseWritten', () => {
  it('splits sentences and reads marks before or after the final punctuation, in every bracket style', () => {
    const s = parseWritten(
      '每间音乐专用教室不小于96平方米[1]。小学校际差异系数不高于0.50。[2]\n初中不高于0.45[1][3]！设备总值47900万元[1,3]？\n达标比例85%【2】；专任教师一千二百人［３］',
    );
    expect(s).toEqual([
      { text: '每间音乐专用教室不小于96平方米。', marks: [1] },
      { text: '小学校际差异系数不高于0.50。', marks: [2] },
      { text: '初中不高于0.45！', marks: [1, 3] },
      { text: '设备总值47900万元？', marks: [1, 3] },
      { text: '达标比例85%；', marks: [2] },
      { text: '专任教师一千二百人', marks: [3] },
    ]);
  });

  it('keeps a quote ending in 。” in its sentence and gives a line of bare marks to the sentence before', () => {
    expect(parseWritten('办法写明：“每间音乐专用教室不小于96平方米。”[1]生均面积另有规定\n[2]')).toEqual([
      { text: '办法写明：“每间音乐专用教室不小于96平方米。”', marks: [1] },
      { text: '生均面积另有规定', marks: [2] },
    ]);
  });

  it('drops list markers at a line start and takes 教督[2017]6号 for a 文号, not a mark', () => {
    expect(parseWritten('1. 依据教督[2017]6号[2]。\n（二）差异系数不高于0.50[2]。\n- 第三，按标准评估[1]。')).toEqual([
      { text: '依据教督[2017]6号。', marks: [2] },
      { text: '差异系数不高于0.50。', marks: [2] },
      { text: '按标准评估。', marks: [1] },
    ]);
  });
});

describe('verifyGrounding', () => {
  it('passes a grounded answer of several sentences citing passages and checklist facts', () => {
    const r = verifyGrounding(
      '每间音乐专用教室不小于96平方米，美术专用教室不小于90平方米[1]。\n' +
        '小学校际差异系数不高于0.50，初中不高于0.45[2]。\n' +
        '本县教学仪器设备总值4.79亿元，达标学校比例为百分之八十五[3]。',
      given,
    );
    expect(r.problems).toEqual([]);
    expect(r.ok).toBe(true);
    expect(r.sentences.map((s) => s.marks)).toEqual([[1], [2], [3]]);
  });

  it('rejects a figure that is in no material', () => {
    const r = verifyGrounding('每间音乐专用教室不小于100平方米[1]。', given);
    expect(r.ok).toBe(false);
    expect(r.problems).toEqual([
      { code: 'unsupported_number', index: 1, sentence: '每间音乐专用教室不小于100平方米。', cited: [1], number: '100' },
    ]);
  });

  it('rejects a figure that stands only in a material the sentence does not cite', () => {
    const wrong = verifyGrounding('小学校际差异系数不高于0.50[1]。', given);
    expect(wrong.problems).toMatchObject([{ code: 'unsupported_number', number: '0.50', cited: [1] }]);
    expect(verifyGrounding('小学校际差异系数不高于0.50[2]。', given).ok).toBe(true);
    expect(verifyGrounding('小学校际差异系数不高于0.50[1][2]。', given).ok).toBe(true);
  });

  it.each([
    ['百分之八十五 = 85%', '达标学校比例为百分之八十五', '达标学校比例85%'],
    ['85％ = 百分之八十五', '达标学校比例为85％', '达标学校比例为百分之八十五'],
    ['一千二百 = 1200', '专任教师1200人', '专任教师一千二百人'],
    ['1,200 = 1，200 = 1200', '专任教师1,200人，合1，200人', '专任教师1200人'],
    ['4.79亿 = 47900万', '设备总值4.79亿元', '设备总值47900万元'],
    ['479000000元 = 4.79亿元', '设备总值479000000元', '设备总值4.79亿元'],
    ['66万 = 660000', '年度补助66万元', '年度补助660000元'],
    ['12万 = 十二万', '在校学生12万人', '在校学生十二万人'],
    ['十五、二十六、两千 = 15、26、2000', '覆盖十五个乡镇、二十六所学校、两千名教师', '覆盖15个乡镇、26所学校、2000名教师'],
    ['full-width digits in the answer', '每间音乐专用教室不小于９６平方米', '每间音乐专用教室不小于96平方米'],
    ['full-width digits in the material', '每间音乐专用教室不小于96平方米', '每间音乐专用教室不小于９６平方米'],
    ['0.5 = 0.50', '小学校际差异系数不高于0.5', '小学校际差异系数不高于0.50'],
    ['2017年5月 = 二〇一七年五月', '自2017年5月起施行', '自二〇一七年五月起施行'],
    ['a range 7.5—10.2', '生均体育运动场馆面积为7.5—10.2平方米', '小学、初中分别达到7.5平方米、10.2平方米'],
    ['文号 [] = 〔〕', '依据教督[2017]6号', '（教督〔2017〕6号）'],
    ['文号 【】 = 〔〕', '依据教督【2017】6号', '（教督〔2017〕6号）'],
    ['文号 （） = 〔〕', '依据教督（2017）6号', '（教督〔2017〕6号）'],
  ])('the same figure written differently passes: %s', (_name, answer, material) => {
    const r = verifyGrounding(`${answer}[1]。`, one(material));
    expect(r.problems).toEqual([]);
  });

  it.each([
    ['a different percentage', '达标学校比例为百分之八十', '达标学校比例85%', '百分之八十'],
    ['万元 for 亿元', '设备总值4.79万元', '设备总值4.79亿元', '4.79万'],
    ['a count for a percentage', '达标学校85所', '达标学校比例85%', '85'],
    ['another fraction', '不低于三分之二', '不低于三分之一', '三分之二'],
    ['十四五 for 十三五', '“十四五”期间', '“十三五”期间', '十四'],
    ['一 inside a larger numeral', '共有十一所学校', '每所学校都要达标', '十一'],
    ['a 文号 of another issuer whose figures occur', '依据教基〔2017〕6号', '依据教督〔2017〕6号，共6项', '教基〔2017〕6号'],
    ['a 文号 of another serial whose figures occur', '依据教督〔2017〕7号', '依据教督〔2017〕6号，第7条', '教督〔2017〕7号'],
  ])('rejects a figure that only looks grounded: %s', (_name, answer, material, number) => {
    const r = verifyGrounding(`${answer}[1]。`, one(material));
    expect(r.ok).toBe(false);
    expect(r.problems).toMatchObject([{ code: 'unsupported_number', number }]);
  });

  it('takes 一 as an article or quantifier for no figure: 一所学校 passes with no 1 in the material', () => {
    const material = '每所学校都要配齐音乐、美术专用教室，各项指标按国家标准评估。';
    expect(material).not.toMatch(/[1１一]/u);
    const r = verifyGrounding('一所学校也不能少，每一项指标都统一按国家标准评估，一是配齐专用教室，二是实行一票否决[1]。', one(material));
    expect(r.problems).toEqual([]);
  });

  it('does not check list numbering at a line start or the citation marks themselves', () => {
    const material = '每间音乐专用教室不小于96平方米，每间美术专用教室不小于90平方米。';
    const r = verifyGrounding(
      '1. 每间音乐专用教室不小于96平方米[1]。\n（二）每间美术专用教室不小于90平方米[1]。\n- 第三，专用教室都按间计算[1]。',
      one(material),
    );
    expect(r.problems).toEqual([]);
  });

  it('rejects a citation of mark [5] when only [1]–[3] were given', () => {
    const r = verifyGrounding('每间音乐专用教室不小于96平方米[5]。', given);
    expect(r.problems).toEqual([{ code: 'unknown_mark', index: 1, sentence: '每间音乐专用教室不小于96平方米。', mark: 5 }]);
    const mixed = verifyGrounding('每间音乐专用教室不小于100平方米[1][5]。', given);
    expect(codes(mixed)).toEqual(['unknown_mark', 'unsupported_number']);
  });

  it('rejects a sentence without a citation mark', () => {
    const r = verifyGrounding('每间音乐专用教室不小于96平方米[1]。这一标准各地都要执行。', given);
    expect(r.problems).toEqual([{ code: 'no_citation', index: 2, sentence: '这一标准各地都要执行。' }]);
  });

  it('rejects an empty answer or one of whitespace or bare marks', () => {
    for (const text of ['', '  \n\t ', '[1]']) {
      expect(verifyGrounding(text, given)).toEqual({ ok: false, sentences: [], problems: [{ code: 'empty' }] });
    }
  });

  it('accepts a verbatim quote despite spacing and full/half-width punctuation, rejects a paraphrased one', () => {
    const verbatim = verifyGrounding('办法规定：“每间音乐专用教室不小于96平方米, 每间美术专用教室不小于90平方米”[1]。', given);
    expect(verbatim.problems).toEqual([]);
    const elided = verifyGrounding('办法规定：“资源配置方面……每间美术专用教室不小于90平方米”[1]。', given);
    expect(elided.problems).toEqual([]);
    const paraphrase = verifyGrounding('办法要求“音乐教室面积至少96平方米”[1]。', given);
    expect(paraphrase.problems).toEqual([
      { code: 'not_verbatim', index: 1, sentence: '办法要求“音乐教室面积至少96平方米”。', cited: [1], quote: '音乐教室面积至少96平方米' },
    ]);
  });

  it('rejects a verbatim quote from a material the sentence does not cite, lets a short quoted term pass', () => {
    expect(codes(verifyGrounding('文件写明“校际差异系数分别不高于0.50和0.45”[1][3]。', given))).toContain('not_verbatim');
    expect(verifyGrounding('这是“优质”均衡的要求[1]。', given).ok).toBe(true);
  });

  it('rejects a 《title》 that no material gives and accepts one that a material names', () => {
    expect(verifyGrounding('详见《县域义务教育优质均衡发展督导评估办法》[1]。', given).ok).toBe(true);
    const r = verifyGrounding('详见《义务教育学校办学条件达标细则》[1]。', given);
    expect(r.problems).toEqual([
      { code: 'unknown_title', index: 1, sentence: '详见《义务教育学校办学条件达标细则》。', title: '义务教育学校办学条件达标细则' },
    ]);
  });
});

describe('describeProblems', () => {
  it('names the sentence, the figure and the cited material, one line per problem', () => {
    const r = verifyGrounding('每间音乐专用教室不小于96平方米[1]。每间美术专用教室不小于100平方米[1]。专任教师一千二百人[7]。', given);
    const text = describeProblems(r.problems);
    expect(text.split('\n')).toHaveLength(r.problems.length);
    expect(text).toContain('第2句（“每间美术专用教室不小于100平方米。”）的数字“100”不在它引用的材料[1]里');
    expect(text).toContain('第3句（“专任教师一千二百人。”）引用的材料[7]不存在');
  });

  it('calls a 文号 a 文号 and says what to do about an empty answer', () => {
    const r = verifyGrounding('依据教基〔2017〕6号[2]。', given);
    expect(describeProblems(r.problems)).toContain('的文号“教基〔2017〕6号”不在它引用的材料[2]里');
    expect(describeProblems([{ code: 'empty' }])).toContain('回答是空的');
  });
});

describe('the words that state no figure are data (corpus/lexicon/numeral-idioms.yaml)', () => {
  it('十分重要 holds no 10 with the lexicon, and is checked as a figure without that entry', () => {
    const m: Material = { mark: 1, kind: 'passage', title: '某县方案', text: '均衡发展工作十分重要。' };
    expect(verifyWith('这项工作十分重要[1]。', [m], words).ok).toBe(true);
    const without = new NumberWords(loadLexicon().numeralIdioms.filter((w) => w !== '十分'));
    expect(verifyWith('这项工作十分重要[1]。', [{ ...m, text: '均衡发展工作非常重要。' }], without).ok).toBe(false);
  });
});
