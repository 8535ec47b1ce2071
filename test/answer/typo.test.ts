import { dict } from '@node-rs/jieba/dict.js';
import { describe, expect, it } from 'vitest';
import { Vocabulary, repairTypos, sameSound, soundsIn, type VocabularyEntry } from '../../src/answer/typo.js';
import { normalizeForSearch, segmentWords } from '../../src/index/segment.js';
import { loadLexicon } from '../../src/answer/lexicon.js';

/** The shipped parameters (corpus/lexicon/pipeline.yaml). */
const TYPO = loadLexicon().pipeline.typo;

/**
 * A small policy corpus, one passage a line. It never uses 公式 nor 事业 (but
 * does use 公示 and 失业), so those words are the false-positive traps.
 */
const PASSAGES: string[] = [
  '各县要在2025年底前实现县域义务教育优质均衡发展，学校办学条件达到省定标准。',
  '推进义务教育均衡发展，重点改善农村薄弱学校的基本办学条件。',
  '县级人民政府是推进均衡发展的责任主体，要统筹城乡学校布局。',
  '对在均衡发展工作中成绩突出的单位给予通报表扬。',
  '小学、初中的综合差异系数分别不高于0.50和0.45。',
  '差异系数按照生均教学仪器设备值、生均图书册数等七项指标计算。',
  '对差异系数超标的县，由省教育厅约谈县政府主要负责人。',
  '每年监测一次各县的差异系数，监测结果向社会公布。',
  '省政府教育督导委员会办公室负责组织实施督导评估工作。',
  '督导评估结果向社会公示，接受群众监督。',
  '责任督学每月至少到所挂钩学校督导一次，发现问题及时反馈。',
  '县教育督导室要建立问题台账，跟踪督导整改落实情况。',
  '对督导中发现的问题，学校应当在三个月内完成整改。',
  '整改方案须报县教育局备案，整改结果在校园网站公示。',
  '整改不到位的，责令限期整改并追究相关人员责任。',
  '教师平均工资收入水平不低于当地公务员平均工资收入水平。',
  '乡村教师生活补助按月随工资发放，不得挤占挪用。',
  '县财政要优先保障教师工资按时足额发放，工资由银行代发到个人账户。',
  '绩效工资分配向一线教师和班主任倾斜。',
  '教师可以持本人身份证到开户银行查询补助到账情况。',
  '学生资助资金通过银行卡直接发放给受助学生。',
  '拟录用人员名单在人社局网站公示七个工作日。',
  '公示期间有异议的，可以书面形式向招聘领导小组反映。',
  '公示结束后无异议的，办理聘用手续。',
  '参加失业保险的职工，失业后可以按规定领取失业保险金。',
  '失业人员在领取失业保险金期间，可以免费参加职业培训。',
  '用人单位应当为职工按时缴纳失业保险费。',
  '学校每年要组织一次校友座谈会，听取校友意见。',
  '校友捐赠的资金纳入学校统一管理。',
  '各地校友会要积极参与学校的发展建设。',
  '评估不合格的学校，须在整改后重新申请验收。',
  '材料填报有误的，退回学校重新填写。',
  '学籍信息变更后，系统会重新生成学籍号。',
  '义务教育阶段学校实行免试就近入学，不得举行任何形式的选拔考试。',
  '随迁子女入学以居住证为主要依据，享受与当地学生同等待遇。',
  '严格控制班额，小学每班不超过45人，初中每班不超过50人。',
  '学校要开足开齐国家规定的课程，保证学生每天一小时校园体育活动。',
  '县管校聘改革要稳妥推进，促进校长教师交流轮岗。',
  '每年交流轮岗的教师不低于符合条件教师总数的10%。',
  '新建学校的生均公用经费按照小学每生每年720元、初中每生每年940元拨付。',
  '寄宿制学校按照寄宿生人数增加公用经费补助。',
  '教育局要对学校食堂进行每学期不少于两次的安全检查。',
  '学生营养改善计划的补助标准为每生每天5元。',
  '学校应当建立家长委员会，定期召开家长会。',
  '课后服务经费可以通过财政补助、服务性收费等方式筹措。',
  '县政府每年向人大报告教育经费的预算执行情况。',
  '教育局在官方网站公开学校招生计划和划片范围。',
  'WiFi网络覆盖所有教室，多媒体设备配备率达到100%。',
];

function vocabularyEntries(passages: string[]): VocabularyEntry[] {
  const df = new Map<string, number>();
  for (const p of passages) for (const w of new Set(segmentWords(p))) df.set(w, (df.get(w) ?? 0) + 1);
  return [...df].map(([word, n]) => ({ word, df: n }));
}

const normalized = PASSAGES.map(normalizeForSearch);
const substringDf = (s: string): number => {
  const t = normalizeForSearch(s);
  let n = 0;
  for (const p of normalized) if (p.includes(t)) n++;
  return n;
};

const entries = vocabularyEntries(PASSAGES);
const vocabulary = Vocabulary.build(entries, TYPO);
const repair = (q: string) => repairTypos(q, vocabulary, substringDf);

/** Correct questions: none may change. */
const CORRECT: string[] = [
  '义务教育均衡发展的标准是什么？',
  '学校的整改方案要报哪里备案？',
  '教师工资什么时候发放？',
  '小学综合差异系数不能高于多少？',
  '督导评估的结果会公示吗？',
  '随迁子女入学需要什么材料？',
  '班额最多多少人？',
  '公用经费每生每年多少钱？',
  '校长教师交流轮岗的比例是多少？',
  '失业保险金怎么领取？',
  '课后服务的经费从哪里来？',
  '营养改善计划每天补助多少？',
  '家长委员会多久开一次会？',
  '责任督学多久到学校一次？',
  '公示期间有异议怎么办？',
  '寄宿制学校有额外补助吗？',
  '学校食堂多久检查一次？',
  '学校有几个校友会',
  '这些问题都导致整改不到位',
  '重点学校的行政人员有哪些',
  '银行代发工资吗',
  '期末考试几月份举行',
  '农村孩子上学难怎么办',
  '乡村教师有没有生活补助',
  '绩效工资怎么分配',
  '学生可以带手机进校园吗',
  '教师招聘有年龄限制吗',
  '留守儿童由谁负责照顾',
  '民办学校怎么审批',
  '职称评定需要哪些条件',
  '校园欺凌怎么处理',
  '我想问一下转学手续怎么办理',
];

describe('Vocabulary', () => {
  it('answers has/df for every entry and adds the counts of repeated entries', () => {
    const v = Vocabulary.build([
      { word: '学校', df: 3 },
      { word: '学校', df: 2 },
      { word: 'wifi', df: 1 },
    ], TYPO);
    expect(v.has('学校')).toBe(true);
    expect(v.df('学校')).toBe(5);
    expect(v.has('wifi')).toBe(true);
    expect(v.has('学效')).toBe(false);
    expect(v.df('学效')).toBe(0);
  });

  it('is built from the corpus with passage counts', () => {
    expect(vocabulary.df('学校')).toBeGreaterThanOrEqual(3);
    expect(vocabulary.df('差异系数')).toBeGreaterThanOrEqual(3);
    expect(vocabulary.has('公式')).toBe(false);
    expect(vocabulary.has('事业')).toBe(false);
  });
});

describe('repairTypos', () => {
  it.each([
    ['学效的食堂多久检查一次', '学校的食堂多久检查一次', { from: '学效', to: '学校', at: 0, pinyin: 'xue xiao' }],
    ['整该方案要报哪里备案', '整改方案要报哪里备案', { from: '整该', to: '整改', at: 0, pinyin: 'zheng gai' }],
    ['教师公资什么时候发放', '教师工资什么时候发放', { from: '公资', to: '工资', at: 2, pinyin: 'gong zi' }],
    ['小学综合差异系树不能高于多少', '小学综合差异系数不能高于多少', { from: '差异系树', to: '差异系数', at: 4, pinyin: 'cha yi xi shu' }],
    ['义务教育均横发展的标准是什么', '义务教育均衡发展的标准是什么', { from: '均横发展', to: '均衡发展', at: 4, pinyin: 'jun heng fa zhan' }],
    ['都导评估的结果会公示吗', '督导评估的结果会公示吗', { from: '都导', to: '督导', at: 0, pinyin: 'du dao' }],
  ])('repairs %s', (question, text, rep) => {
    expect(substringDf(rep.from)).toBe(0);
    const r = repair(question);
    expect(r.text).toBe(text);
    expect(r.repairs).toEqual([rep]);
  });

  it('matches every reading of a polyphonic character, typed or intended', () => {
    // 都 is read dou or du (督导 du dao); 重 zhong or chong (虫新 chong xin → 重新);
    // 行 xing or hang (银航 yin hang → 银行).
    expect(repair('不合格需要虫新申请吗').text).toBe('不合格需要重新申请吗');
    expect(repair('补助通过哪家银航发放').text).toBe('补助通过哪家银行发放');
    expect(repair('请问都导多久来一次').text).toBe('请问督导多久来一次');
  });

  it('reads the document word in context: 的高 (的 read di) is no typo of 提高 (ti gao)', () => {
    const v = Vocabulary.build([{ word: '提高', df: 10 }, { word: '学历', df: 10 }], TYPO);
    expect(repairTypos('基均的高学历老师', v, () => 0).repairs).toEqual([]);
    expect(repairTypos('怎样题高质量', v, () => 0).text).toBe('怎样提高质量');
  });

  it('prefers the longer repair over shorter overlapping ones', () => {
    // 均横 → 均衡 alone would do too, but the whole 均横发展 is a document word.
    const r = repair('均横发展');
    expect(r.repairs).toHaveLength(1);
    expect(r.repairs[0]).toMatchObject({ from: '均横发展', to: '均衡发展', at: 0 });
  });

  it('repairs several typos in one question', () => {
    const r = repair('学效的整该方案和教师公资由谁都导？');
    expect(r.text).toBe('学校的整改方案和教师工资由谁督导？');
    expect(r.repairs.map((x) => [x.from, x.to, x.at])).toEqual([
      ['学效', '学校', 0],
      ['整该', '整改', 3],
      ['公资', '工资', 10],
      ['都导', '督导', 14],
    ]);
  });

  it('leaves correct questions unchanged', () => {
    expect(CORRECT.length).toBeGreaterThanOrEqual(15);
    for (const q of CORRECT) expect(repair(q), q).toEqual({ text: q, repairs: [] });
  });

  it('does not turn a real word the documents do not use into a same-sound document word', () => {
    // The documents say 公示 and 失业 (df ≥ 3) but never 公式 nor 事业.
    expect(vocabulary.df('公示')).toBeGreaterThanOrEqual(3);
    expect(vocabulary.df('失业')).toBeGreaterThanOrEqual(3);
    expect(substringDf('公式')).toBe(0);
    expect(substringDf('事业')).toBe(0);
    for (const q of ['差异系数的计算公式是什么', '公式里的权重怎么定', '事业单位的教师工资怎么发', '学校属于事业编制吗']) {
      expect(repair(q), q).toEqual({ text: q, repairs: [] });
    }
  });

  it('does not repair across word boundaries (学校有 is not 学校友)', () => {
    expect(substringDf('校有')).toBe(0);
    expect(vocabulary.df('校友')).toBeGreaterThanOrEqual(3);
    expect(repair('学校有多少个班').repairs).toEqual([]);
  });

  it('does not repair a span that cuts through a document word of the question (按学期算 is not 按学/计算)', () => {
    const docs = (words: string[]) => Vocabulary.build(words.map((word) => ({ word, df: 10 })), TYPO);
    const none = (s: string) => (['学期', '计算', '留守儿童', '上学'].includes(s) ? 10 : 0);
    // 期 also reads ji: 期算 sounds like 计算, and the unigram model alone would take 按学/计算.
    expect(repairTypos('交流是按学期算比例吗', docs(['计算']), none).text).toBe('交流是按学计算比例吗');
    expect(repairTypos('交流是按学期算比例吗', docs(['计算', '学期']), none).repairs).toEqual([]);
    // A general word cut through (对流 in 对流守儿童) is no such word of the documents: the typo is repaired.
    expect(repairTypos('县里对流守儿童有啥措施', docs(['留守儿童']), none).text).toBe('县里对留守儿童有啥措施');
  });

  it('does not touch a word typed on purpose (县基均 is 县 + 基均, not a mistyped 县级)', () => {
    const docs = Vocabulary.build([{ word: '县级', df: 10 }], TYPO);
    const none = (s: string) => (s === '县级' ? 10 : 0);
    expect(repairTypos('我们县基均是哪年通过的', docs, none).text).toBe('我们县级均是哪年通过的');
    expect(repairTypos('我们县基均是哪年通过的', docs, none, ['基均', '优均']).repairs).toEqual([]);
  });

  it('in a small corpus a term stated in one passage is a candidate; in a larger one it is not', () => {
    const once = [{ word: '巩固率', df: 1 }];
    expect(repairTypos('初中三年巩故率要达到多少', Vocabulary.build(once, TYPO, { passages: 28 }), () => 0).text).toBe('初中三年巩固率要达到多少');
    expect(repairTypos('初中三年巩故率要达到多少', Vocabulary.build(once, TYPO, { passages: 155 }), () => 0).repairs).toEqual([]);
  });

  it('requires the candidate to occur in enough passages', () => {
    const few = Vocabulary.build(entries, { ...TYPO, minCandidateDf: 100 });
    expect(repairTypos('学效的食堂', few, substringDf).repairs).toEqual([]);
  });

  it('never changes more than half of the characters', () => {
    // 穴效 is xue xiao too, but both of its characters differ from 学校.
    const v = Vocabulary.build([{ word: '学校', df: 10 }], TYPO);
    expect(repairTypos('穴效', v, () => 0).repairs).toEqual([]);
    expect(repairTypos('学效', v, () => 0).text).toBe('学校');
  });

  it('never touches a span that the documents contain', () => {
    const v = Vocabulary.build([{ word: '学校', df: 10 }], TYPO);
    expect(repairTypos('学效', v, (s) => (s === '学效' ? 1 : 0)).repairs).toEqual([]);
  });

  it('leaves digits, Latin letters and punctuation as they are', () => {
    const q = 'WiFi覆盖学效吗？3个班，ABC整该123 OK';
    const r = repair(q);
    expect(r.text).toBe('WiFi覆盖学校吗？3个班，ABC整改123 OK');
    expect(r.repairs.map((x) => x.at)).toEqual([6, 17]);
    for (const x of r.repairs) expect(q.slice(x.at, x.at + x.from.length)).toBe(x.from);
    const full = '２０２５年学效ＡＢＣ';
    expect(repair(full).text).toBe('２０２５年学校ＡＢＣ');
    expect(repair('123 abc, ?!').text).toBe('123 abc, ?!');
    expect(repair('')).toEqual({ text: '', repairs: [] });
  });

  it('gives the same output for the same input, whatever the order of the vocabulary', () => {
    const q = '学效的整该方案和教师公资由谁都导？';
    const a = repair(q);
    const b = repair(q);
    const reversed = Vocabulary.build([...entries].reverse(), TYPO);
    const c = repairTypos(q, reversed, substringDf);
    expect(b).toEqual(a);
    expect(c).toEqual(a);
  });

  it('keeps working with a vocabulary of ~50k synthetic words', () => {
    // Random 2–4 character combinations of common characters (seeded), added
    // to the corpus vocabulary. Measured by hand: see the module header.
    const pool = Array.from(
      '的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处队南给色光门即保治北造百规热领七海口东导器压志世金增争济阶油思术极交受联什认六共权收证改清己美再采转更单风切打白教速花带安场身车例真务具万每目至达走积示议声报斗完类八离华名确才科张信马节话米整空元况今集温传土许步群广石记需段研界拉林律叫且究观越织装影算低持音众书布复容儿须际商非验连断深难近矿千周委素技备半办青省列习响约支般史感劳便团往酸历市克何除消构府称太准精值号率族维划选标写存候毛亲快效斯院查江型眼王按格养易置派层片始却专状育厂京识适属圆包火住调满县局照参红细引听该铁价严',
    );
    let seed = 42;
    const rnd = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed / 0x7fffffff;
    };
    const synthetic: VocabularyEntry[] = [];
    for (let i = 0; i < 50_000; i++) {
      const len = 2 + Math.floor(rnd() * 3);
      let w = '';
      for (let k = 0; k < len; k++) w += pool[Math.floor(rnd() * pool.length)];
      synthetic.push({ word: w, df: 1 + Math.floor(rnd() * 3) });
    }
    const big = Vocabulary.build([...entries, ...synthetic], TYPO);
    expect(big.has(synthetic[0]!.word)).toBe(true);
    const r = repairTypos('学效的整该方案和教师公资由谁都导？', big, substringDf);
    expect(r.text).toBe('学校的整改方案和教师工资由谁督导？');
    for (const q of CORRECT) expect(repairTypos(q, big, substringDf).repairs, q).toEqual([]);
  });

  it('leaves correct questions alone even when 50k real Chinese words are candidates', () => {
    // The 50k most frequent words of jieba's general dictionary as document
    // words (df 3): nearly every span of a question now has sound-alike
    // candidates, and only the guards keep the question as typed.
    const words = new TextDecoder()
      .decode(dict)
      .split('\n')
      .map((l) => l.split(' '))
      .filter((a) => a.length >= 2 && /^\p{Script=Han}{2,5}$/u.test(a[0]!))
      .map((a) => ({ word: a[0]!, f: Number(a[1]) }))
      .sort((a, b) => b.f - a.f || (a.word < b.word ? -1 : 1))
      .slice(0, 50_000);
    const own = new Set(entries.map((e) => e.word));
    const general = Vocabulary.build([
      ...entries,
      ...words.filter((w) => !own.has(w.word)).map((w) => ({ word: w.word, df: 3 })),
    ], TYPO);
    for (const q of CORRECT) expect(repairTypos(q, general, substringDf).repairs, q).toEqual([]);
    expect(repairTypos('学效的整该方案', general, substringDf).text).toBe('学校的整改方案');
  });
});

describe('sameSound / soundsIn (homophones an IME types alike)', () => {
  it('matches words whose characters share a toneless reading, of the same length only', () => {
    expect(sameSound('编织', '编制')).toBe(true);
    expect(sameSound('差异系树', '差异系数')).toBe(true);
    expect(sameSound('编制', '编制岗位')).toBe(false);
    expect(sameSound('编制', '岗位')).toBe(false);
  });

  it('finds a homophone of a word inside a text; one character alone never counts', () => {
    expect(soundsIn('各校的编制和岗位由县级教育行政部门统一调配', '编织')).toBe(true);
    expect(soundsIn('生均教学及辅助用房面积', '编织')).toBe(false);
    expect(soundsIn('学校', '效')).toBe(false);
  });
});
