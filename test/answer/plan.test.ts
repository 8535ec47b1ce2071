import { describe, expect, it } from 'vitest';
import { documentForms, hasTopic, planQuery, quotedPhrases } from '../../src/answer/plan.js';
import { testLexicon } from './lexiconFixture.js';
import { loadLexicon } from '../../src/answer/lexicon.js';

const lexicon = testLexicon();
const plan = (q: string, repair?: (q: string) => { text: string; repairs: { from: string; to: string; at: number; pinyin: string }[] }) =>
  planQuery(q, { lexicon, repair });

describe('planQuery', () => {
  it('drops question words from the search text and records the kind of fact asked', () => {
    const p = plan('优质均衡是哪一年发布的？');
    expect(p.plain).not.toContain('哪一年');
    expect(p.asked.kind).toBe('time');
  });

  it('adds the document word of an everyday word to the expanded query, keeping the original', () => {
    const p = plan('优均对老师有什么要求');
    expect(p.expanded).toContain('老师');
    expect(p.expanded).toContain('教师');
    expect(p.expanded).toContain('优质均衡');
    const teacher = p.concepts.find((c) => c.forms[0] === '老师');
    expect(teacher?.forms).toContain('教师');
  });

  it('equivalent entries work in both directions', () => {
    expect(documentForms('农村', lexicon)).toContain('乡村');
    expect(documentForms('乡村', lexicon)).toContain('农村');
  });

  it('in the shipped lexicon 多大比例 asks a number, not an area; 多大 alone asks an area', () => {
    const shipped = loadLexicon();
    expect(planQuery('全县要有多大比例的学校达到合格标准', { lexicon: shipped }).asked.kind).toBe('figure');
    expect(planQuery('音乐教室要多大', { lexicon: shipped }).asked.kind).toBe('area');
  });

  it('几 before 咋/怎么 in its clause says "several" and asks no number; elsewhere it asks one', () => {
    expect(planQuery('老师不够，几个学校咋共用', { lexicon }).asked.kind).toBeNull();
    expect(planQuery('有几个学校', { lexicon }).asked.kind).toBe('figure');
    expect(planQuery('有几个学校？怎么分的', { lexicon }).asked.kind).toBe('figure');
  });

  it('a name no passage holds that starts with a locative after a word (算例/里甲) is that locative and a fragment, no place', () => {
    const df = (t: string) => (['差异系数', '算例', '甲', '乙'].includes(t) ? 3 : 0);
    const p = planQuery('差异系数算例里甲乙丙三校cv多少', { lexicon, df, passages: 10 });
    expect(p.concepts.some((c) => c.forms[0] === '里甲')).toBe(false);
    expect(p.concepts.some((c) => c.scope)).toBe(false);
    // A name some passage holds stays a name.
    const held = planQuery('差异系数算例里甲乙丙三校cv多少', { lexicon, df: (t: string) => (t === '里甲' ? 2 : df(t)), passages: 10 });
    expect(held.concepts.find((c) => c.forms[0] === '里甲')?.scope).toBe(true);
  });

  describe('everyday words the segmenter cuts apart or hides in other words', () => {
    const withEntries = {
      ...lexicon,
      measureWords: [...lexicon.measureWords, '本'],
      synonyms: [
        ...lexicon.synonyms,
        { everyday: ['书'], document: ['图书'], equivalent: false },
        { everyday: ['被借走'], document: ['借调'], equivalent: false },
        { everyday: ['村里学校'], document: ['农村学校'], equivalent: false },
      ],
    };
    const planWith = (q: string) => planQuery(q, { lexicon: withEntries });

    it('a one-character everyday word counts only as a whole word, doubled or after a measure word', () => {
      expect(documentForms('书', withEntries)).toContain('图书');
      expect(documentForms('本书', withEntries)).toContain('图书');
      expect(documentForms('教书', withEntries)).not.toContain('图书');
      expect(documentForms('书面', withEntries)).not.toContain('图书');
    });

    it('an everyday phrase of several words is found whole and brings its document words', () => {
      const p = planWith('老师被借走了谁来上课');
      const phrase = p.concepts.find((c) => c.forms[0] === '被借走');
      expect(phrase?.forms).toContain('借调');
      expect(phrase?.key).toBe(true);
      expect(p.expanded).toContain('借调');
      // Its words are not concepts a second time.
      expect(p.concepts.some((c) => c.forms[0] === '借走')).toBe(false);
    });

    it('an everyday phrase must start and end where words do (乡村/里/学校 holds no 村里学校)', () => {
      expect(planWith('乡村里学校有几所').expanded).not.toContain('农村学校');
      expect(planWith('村里学校有几所').expanded).toContain('农村学校');
    });

    it('an everyday word the segmenter cut into the end of another word and a lone character is found (评优/均 → 优均)', () => {
      const p = planWith('评优均的时候老师怎么算');
      const form = p.concepts.find((c) => c.forms[0] === '优均');
      expect(form?.forms).toContain('优质均衡');
      expect(form?.key).toBe(true);
      expect(p.concepts.some((c) => c.forms[0] === '评优')).toBe(false);
      // A whole two-character word it would take is no lone character: 乡村/里/学校 still holds no 村里学校.
      expect(planWith('乡村里学校有几所').expanded).not.toContain('农村学校');
    });

    it('an everyday phrase keeps its place in the question\'s word order', () => {
      const words = planWith('优均对村里学校老师有什么要求').concepts.map((c) => c.forms[0]);
      expect(words.indexOf('村里学校')).toBeGreaterThan(words.indexOf('优均'));
      expect(words.indexOf('村里学校')).toBeLessThan(words.indexOf('老师'));
    });
  });

  it('a school name the segmenter breaks up is one name where the documents use its words only in that name', () => {
    const corpus = ['在城区新建充国小学和县第八中学', '乡村小学撤并', '乡村教师生活补助'];
    const df = (t: string) => corpus.filter((x) => x.includes(t)).length;
    const school = planQuery('充国小学设了多少个教学班', { lexicon, df }).concepts.find((c) => c.forms[0] === '充国小学');
    expect(school?.scope).toBe(true);
    expect(school?.place).toBe(true);
    // 乡村 is said everywhere in the documents: 乡村小学 is a kind of school, not a name.
    expect(planQuery('乡村小学有几所', { lexicon, df }).concepts.some((c) => c.forms[0] === '乡村小学')).toBe(false);
  });

  it('a numbered slogan the documents write as it is (三个课堂) stays whole, not a count of 3', () => {
    const corpus = ['推进专递课堂、名师课堂和名校网络课堂等“三个课堂”建设', '新建3个音乐教室'];
    const df = (t: string) => corpus.filter((x) => x.includes(t)).length;
    const p = planQuery('三个课堂指什么', { lexicon, df });
    expect(p.concepts.find((c) => c.forms[0] === '三个课堂')?.key).toBe(true);
    expect(p.numbers).not.toContain('3');
    expect(p.concepts.some((c) => c.forms[0] === '3')).toBe(false);
    // A count the documents do not write as a slogan is still a number.
    expect(planQuery('三个音乐教室够不够', { lexicon, df }).plain).toContain('3个');
  });

  it('镇里, 县里 point at a level, never name a place the corpus lacks; 师傅 is a word, not a person; 那篇 is no topic (corpus lexicon)', () => {
    const real = loadLexicon();
    const town = planQuery('镇里示范校对口帮扶薄弱校几年一个周期', { lexicon: real });
    expect(town.levels).toEqual(['镇']);
    expect(town.concepts.some((c) => c.place || c.scope)).toBe(false);
    expect(planQuery('每个新人配几个师傅', { lexicon: real }).concepts.find((c) => c.forms[0] === '师傅')?.scope).toBe(false);
    expect(planQuery('市里那篇调研报告的师生比是咋算的', { lexicon: real }).concepts.map((c) => c.forms[0])).not.toContain('那篇');
  });

  it('区里 with a local document kind points into that document (区里的优均方案), not when the national side is named or compared (corpus lexicon)', () => {
    const real = loadLexicon();
    const local = (q: string) => planQuery(q, { lexicon: real }).localOnly;
    expect(local('区里优均方案里社会认可度目标定的是多少')).toBe(true);
    expect(local('该县教师交流比例多少')).toBe(true);
    expect(local('区里方案的交流比例和优均的要求一样吗')).toBe(false);
    expect(local('县里总结说小学0.65是国家规定的标准，整理稿认可吗')).toBe(false);
    expect(local('学校的编制是县里统一调吗')).toBe(false);
  });

  it('a bare level name before a local document kind in its clause is a level too (区优均方案, 市调研报告), never inside a word (城区方案)', () => {
    const real = loadLexicon();
    expect(planQuery('区优均方案里社会认可度要达到百分之多少', { lexicon: real }).levels).toEqual(['区']);
    expect(planQuery('市调研报告说还有2个教学点', { lexicon: real }).localOnly).toBe(true);
    expect(planQuery('城区方案里学位够不够', { lexicon: real }).levels).toEqual([]);
    expect(planQuery('县的学校多少所，方案里说了吗', { lexicon: real }).levels).toEqual([]);
  });

  it('a word most passages hold (学校 in these documents) narrows a topic, it is none: 我们学校的进度 asks nothing to look up', () => {
    const corpus = ['学校规模不超过2000人', '学校建设标准', '学校布局', '学校食堂', '教师培训'];
    const df = (t: string) => corpus.filter((x) => x.includes(t)).length;
    expect(hasTopic(planQuery('我们学校的进度', { lexicon, df, passages: corpus.length }))).toBe(false);
    expect(hasTopic(planQuery('学校规模有什么要求', { lexicon, df, passages: corpus.length }))).toBe(true);
    // Without corpus counts nothing is judged common.
    expect(hasTopic(planQuery('我们学校的进度', { lexicon }))).toBe(true);
  });

  it('a quoted phrase is looked for as written, numerals and all (“六个统一”, documents do not write 6个统一)', () => {
    const p = plan('对口帮扶学校要做到的“六个统一”指什么？');
    const quoted = p.concepts.find((c) => c.forms.includes('六个统一'));
    expect(quoted?.forms[0]).toBe('六个统一');
    expect(quoted?.key).toBe(true);
    expect(plan('“片联校、教师走教”是什么').concepts.map((c) => c.forms[0])).toEqual(expect.arrayContaining(['片联校', '教师走教']));
  });

  it('writes Chinese quantities in digits so they match the documents', () => {
    expect(plan('三年以上的学校有几个').plain).toContain('3年');
  });

  it('frame nouns are not key concepts; a question with only frame nouns has no topic', () => {
    const p = plan('有什么要求？');
    expect(hasTopic(p)).toBe(false);
    expect(hasTopic(plan('音乐教室有什么要求'))).toBe(true);
  });

  it('records the unit a figure is asked in', () => {
    expect(plan('生均经费是多少').asked.units.map((u) => u.label)).toEqual(['生均']);
    expect(plan('经费是多少').asked.units).toEqual([]);
  });

  it('in the shipped lexicon 一个娃多少钱 asks per student, so a county total does not answer it', () => {
    const shipped = loadLexicon();
    const units = (q: string) => planQuery(q, { lexicon: shipped }).asked.units.map((u) => u.label);
    expect(units('寄宿生一个娃一年补助多少钱')).toContain('生均');
    expect(units('寄宿生补助一共发了多少钱')).not.toContain('生均');
  });

  it('in the shipped lexicon 一个学生, 一个班 name the unit asked, not a count of one to find or a topic to cover', () => {
    const shipped = loadLexicon();
    const p = planQuery('一个班最多多少人', { lexicon: shipped });
    expect(p.numbers).toEqual([]);
    expect(p.asked.units.map((u) => u.label)).toContain('每班');
    expect(p.concepts.filter((c) => c.key).map((c) => c.forms[0])).not.toContain('1');
    const unit = p.concepts.find((c) => c.forms.includes('每班'));
    expect(unit?.key).toBe(false);
    // The passage's 每个班 still matches the phrase; a count the asker gives stays a number.
    expect(unit?.forms).toContain('每个班');
    expect(planQuery('学校有3个班，音乐教室要几间', { lexicon: shipped }).numbers).toContain('3');
  });

  it('a yes/no question said by repeating the verb (管不管, 会不会用, 需不需要) keeps the verb once and no 不会 topic', () => {
    const p = plan('看不看老师会不会用电脑？警察管不管？需不需要备案');
    expect(p.plain).not.toMatch(/不/u);
    expect(p.plain).toContain('会用电脑');
    expect(p.plain).toContain('需要备案');
    expect(p.concepts.map((c) => c.forms[0])).not.toContain('不会');
    // A 不 that is no repetition stays: 不达标 is what is asked about.
    expect(plan('学校不达标怎么办').plain).toContain('不达标');
  });

  it('a plural 们 (娃们, 家长们) is the word itself, with its document forms', () => {
    const shipped = loadLexicon();
    const p = planQuery('区里要求娃们每天至少活动多长时间', { lexicon: shipped });
    const kids = p.concepts.find((c) => c.forms[0] === '娃');
    expect(kids?.forms).toContain('学生');
    expect(p.concepts.map((c) => c.forms[0])).not.toContain('娃们');
  });

  it('finds the two sides of a comparison', () => {
    const p = plan('基本均衡和优质均衡有什么区别');
    expect(p.asked.kind).toBe('comparison');
    expect(p.comparison).not.toBeNull();
    const [left, right] = p.comparison!;
    expect(left.map((i) => p.concepts[i]!.forms[0])).toContain('基本均衡');
    expect(right.map((i) => p.concepts[i]!.forms[0])).toContain('优质均衡');
  });

  it('ends the right side of a comparison at a 的 the left clause lacks: the words after it are the shared topic', () => {
    const sides = (q: string) => plan(q).comparison!.map((side) => side.map((i) => plan(q).concepts[i]!.forms[0]));
    expect(sides('“高于规定学历”小学和初中的口径有什么区别')).toEqual([['小学'], ['初中']]);
    // Both sides written with 的: the right side is the whole phrase.
    expect(sides('小学的生均经费和初中的公用经费有什么区别')[1]).toEqual(['初中', '公用经费']);
  });

  it('asks each of two things the same fact with 分别, the shared topic on neither side', () => {
    const p = planQuery('拜城县和轮台县的入学率分别是多少', { lexicon });
    expect(p.asked.kind).toBe('figure');
    const [left, right] = p.comparison!;
    expect(left.map((i) => p.concepts[i]!.forms[0])).toEqual(['拜城县']);
    expect(right.map((i) => p.concepts[i]!.forms[0])).toEqual(['轮台县']);
  });

  it('哪几所 asks for names, so no measure is required of the answer', () => {
    expect(planQuery('县里新建了几所学校', { lexicon }).asked.measure).toBe('所');
    expect(planQuery('县里新建了哪几所学校', { lexicon }).asked).toMatchObject({ kind: null, measure: null });
  });

  it('这几年 speaks of a time span, it does not ask for a number of years (corpus lexicon)', () => {
    const real = loadLexicon();
    expect(planQuery('县城这几年新建了哪几所学校', { lexicon: real }).asked).toMatchObject({ kind: null, measure: null, written: [] });
    expect(planQuery('这几年新建了几所学校', { lexicon: real }).asked).toMatchObject({ kind: 'figure', written: ['所'] });
  });

  it('carries how documents write the asked measure (几本 → 册 or 本; corpus lexicon)', () => {
    const real = loadLexicon();
    expect(planQuery('图书室生均要几本书', { lexicon: real }).asked.written).toEqual(['册', '本']);
    expect(planQuery('交流轮岗一次要交流几年', { lexicon: real }).asked.written).toEqual(['年']);
  });

  it('two questions in one message are two parts; a noun both name is their shared topic (corpus lexicon)', () => {
    const p = planQuery('轮台的规划里老师要培训多少学时？优均对培训学时有啥要求？', { lexicon: loadLexicon() });
    const names = (idx: number[]) => idx.map((i) => p.concepts[i]!.forms[0]);
    expect(p.parts).not.toBeNull();
    expect(names(p.parts![1])).toEqual(['优均']);
    expect(names(p.parts!.flat())).not.toContain('学时');
    expect(planQuery('县里乡下老师的宿舍解决了没？盖了多少？', { lexicon: loadLexicon() }).parts).toBeNull();
  });

  it('初中 is a key concept although the segmenter tags it a direction word (corpus lexicon)', () => {
    const p = planQuery('该县2020年初中三年巩固率是多少', { lexicon: loadLexicon() });
    expect(p.concepts.find((c) => c.forms[0] === '初中')).toMatchObject({ key: true, noun: true });
    expect(hasTopic(p)).toBe(true);
  });

  it('a school level alone (那初中呢 with nothing before it) names no topic (corpus lexicon)', () => {
    const real = loadLexicon();
    expect(hasTopic(planQuery('那初中呢', { lexicon: real }))).toBe(false);
    expect(hasTopic(planQuery('小学？', { lexicon: real }))).toBe(false);
    expect(hasTopic(planQuery('初中巩固率呢', { lexicon: real }))).toBe(true);
  });

  it('百分之多少 asks for a percentage and is not searched as the number 100 (corpus lexicon)', () => {
    const real = loadLexicon();
    const p = planQuery('这个区的方案要求社会认可度达到百分之多少', { lexicon: real });
    expect(p.asked).toMatchObject({ kind: 'figure', measure: '%', written: ['%', '成'] });
    expect(p.concepts.map((c) => c.forms[0])).not.toContain('100');
    expect(p.plain).not.toContain('百分');
  });

  it('a quoted phrase is one key concept per part', () => {
    expect(quotedPhrases('“片联校、教师走教”怎么考核')).toEqual(['片联校、教师走教']);
    const p = plan('“片联校、教师走教”怎么考核');
    expect(p.concepts.filter((c) => c.key).map((c) => c.forms[0])).toEqual(expect.arrayContaining(['片联校', '教师走教']));
  });

  it('a document named anywhere in the question gives the words its passages\' headings must hold', () => {
    expect(plan('整改方案给乡村学校安排的专项资金是多少').documentWords).toEqual(['整改', '方案']);
    expect(plan('优均对学校章程有要求吗').documentWords).toEqual([]);
  });

  it('the words naming the document asked into are not topic words', () => {
    const p = plan('调研报告里初中的师生比是多少');
    expect(p.documentRef).toBe('调研报告');
    expect(p.concepts.find((c) => c.forms[0] === '调研')?.key ?? false).toBe(false);
  });

  it('a word jieba takes for a name but made of document words (初中班 in 初中班额) is no name to find', () => {
    const df = (t: string) => (['初中', '班', '小学'].includes(t) ? 5 : 0);
    const p = planQuery('小学跟初中班额上限差几个人', { lexicon, df });
    const c = p.concepts.find((x) => x.forms[0] === '初中班')!;
    expect(c.scope).toBe(false);
    expect(c.parts).toEqual(['初中', '班']);
    // A name the documents do not hold stays a name to look for.
    expect(planQuery('艾则孜担任什么职务', { lexicon, df }).concepts.find((x) => x.forms[0] === '艾则孜')?.scope).toBe(true);
  });

  it('a question about one local document or its county asks no national standard, unless it names one', () => {
    expect(plan('这个区的方案要求社会认可度达到百分之多少').localOnly).toBe(true);
    expect(plan('该县2021年一般公共预算教育经费支出是多少').localOnly).toBe(true);
    expect(plan('这个区方案里的教师交流轮岗比例，和整理稿里优均的要求一样吗').localOnly).toBe(false);
    expect(plan('优均的社会认可度要达到多少').localOnly).toBe(false);
  });

  it('plans from the repaired question and keeps the repair for diagnostics', () => {
    const p = plan('学效的整该方案', (q) => ({ text: q.replace('学效', '学校').replace('整该', '整改'), repairs: [{ from: '学效', to: '学校', at: 0, pinyin: 'xue xiao' }] }));
    expect(p.question).toBe('学效的整该方案');
    expect(p.repaired).toBe('学校的整改方案');
    expect(p.repairs).toHaveLength(1);
    expect(p.plain).toContain('学校');
  });
});

describe('what the asked fact is about (head)', () => {
  const corpus = ['学校教师按规定配备', '音乐专用教室每12个班配1间', '教师交流轮岗每年不低于10%'];
  const df = (t: string) => corpus.filter((x) => x.includes(t)).length;

  it('is the rarest noun of the clause that holds the question word; a word no passage holds is the rarest', () => {
    const plan = planQuery('学校有30个班，教师要配几名', { lexicon, df });
    expect(plan.concepts.find((c) => c.forms[0] === '学校')?.asked).toBe(false);
    expect(plan.concepts[plan.head!]!.forms[0]).toBe('教师');
    const unknown = planQuery('班主任津贴多少', { lexicon, df });
    expect(['班主任', '津贴']).toContain(unknown.concepts[unknown.head!]!.forms[0]);
  });

  it('every clause counts when none holds a question word; no corpus, no head', () => {
    const plan = planQuery('教师交流轮岗 比例', { lexicon, df });
    expect(plan.concepts.every((c) => c.asked)).toBe(true);
    expect(plan.head).not.toBeNull();
    expect(planQuery('教师要配几名', { lexicon }).head).toBeNull();
  });

  it('a verb no passage holds is the head (抽查); a verb the passages hold is passed over for the noun (托管)', () => {
    const spot = planQuery('省里要抽查多少比例的学校', { lexicon, df });
    expect(spot.concepts[spot.head!]!.forms[0]).toBe('抽查');
    const held = [...corpus, '城区学校托管乡村学校', '考核结果', '学校规模'];
    const heldDf = (t: string) => held.filter((x) => x.includes(t)).length;
    const entrusted = planQuery('好学校托管乡下学校以后考核要多少分', { lexicon, df: heldDf });
    expect(entrusted.concepts.find((c) => c.forms[0] === '托管')?.verb).toBe(true);
    expect(entrusted.concepts[entrusted.head!]!.forms[0]).toBe('考核');
  });
});

describe('place names', () => {
  it('joins a place the segmenter split from its suffix into one place concept', () => {
    const p = planQuery('库车市的学校要配几名校医', { lexicon });
    const place = p.concepts.find((c) => c.forms[0] === '库车市');
    expect(place).toMatchObject({ key: true, scope: true, place: true });
  });
});
