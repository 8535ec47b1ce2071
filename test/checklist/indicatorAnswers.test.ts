import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadLexicon } from '../../src/answer/lexicon.js';
import { planQuery } from '../../src/answer/plan.js';
import type { Answer } from '../../src/answer/types.js';
import { IndicatorAnswers } from '../../src/checklist/answerer.js';
import { indicatorFacts } from '../../src/checklist/explain.js';
import { loadIndicatorNames, parseIndicatorNames } from '../../src/checklist/indicatorNames.js';
import { loadChecklists } from '../../src/checklist/load.js';
import { readIndicatorQuestion } from '../../src/checklist/question.js';
import { indicatorValue, judge, weightedCV } from '../../src/checklist/rules.js';
import type { NumericIndicator } from '../../src/checklist/types.js';
import { answerReply } from '../../src/chat/answerView.js';
import { thrown } from '../helpers/thrown.js';
import { repoRoot } from '../ingest/pipelineFixture.js';

const dir = path.join(repoRoot, 'corpus/checklists');
const checklists = loadChecklists(dir);
const names = loadIndicatorNames(dir, checklists)!;
const lexicon = loadLexicon();
const facts = (q: string) => indicatorFacts(checklists, readIndicatorQuestion(q, names)!).map((f) => f.text);
const indicator = (checklist: string, id: string) => checklists.find((c) => c.id === checklist)!.indicators.find((i) => i.id === id) as NumericIndicator;
const noAnswer: Answer = { question: '', status: 'not_found', quotes: [], citations: [], reason: { code: 'no_match' }, suggestions: [] };
/** The passages' answer: one quote, the whole passage, from a document or the project's restatement. */
const quoted = (text: string, kind: 'document' | 'restatement', title: string, sectionPath: string[] = []): Answer => ({
  ...noAnswer,
  status: 'answered',
  reason: { code: 'answered' },
  quotes: [{ text, citation: 0 }],
  citations: [{ passageId: 1, source: kind === 'restatement' ? '整理稿.md' : 'x.txt', title, sectionPath, page: null, pageEnd: null, text, kind }],
});

describe('reading an indicator question', () => {
  it('knows an indicator by its everyday name, the stage, and the asker\'s student count', () => {
    const q = readIndicatorQuestion('我们初中1200个学生，操场得有多大', names)!;
    expect(q.indicators.map((n) => n.indicator.id)).toEqual(['sport']);
    expect(q).toMatchObject({ stages: ['junior'], stageNamed: true, asksStandard: true });
    expect(q.figures).toEqual([{ value: 1200, unit: '人', kind: 'students' }]);
  });

  it('a rate (每百名) and the numbers of an indicator\'s name (5年360学时) are not the asker\'s figures; 老师340人 is not a student count', () => {
    expect(readIndicatorQuestion('每百名学生高学历老师3.5个', names)!.figures.map((f) => f.value)).toEqual([3.5]);
    expect(readIndicatorQuestion('应参训老师1250人，5年360学时完成了1190人', names)!.figures.map((f) => f.value)).toEqual([1250, 1190]);
    expect(readIndicatorQuestion('符合交流条件的老师340人，轮岗要多少', names)!.figures[0]).toMatchObject({ value: 340, kind: null });
  });

  it('66万 is 660000 元, and 930万元 keeps its 万', () => {
    expect(readIndicatorQuestion('特教学校120个学生，一年公用经费66万，够不够', names)!.figures[1]).toEqual({ value: 660000, unit: '元', kind: null });
    expect(readIndicatorQuestion('4200个学生、仪器设备共930万元，够吗', names)!.figures[1]!.value).toBe(9_300_000);
  });

  it('two mentions whose words both stand in one indicator\'s name name that indicator, unless a separator lists them as two', () => {
    const ids = (q: string) => readIndicatorQuestion(q, names)!.indicators.map((n) => n.indicator.id);
    expect(ids('交流轮岗的老师里骨干要多少')).toEqual(['gov11b_rotation_backbone_share']);
    expect(ids('骨干教师交流要占多少')).toEqual(['gov11b_rotation_backbone_share']);
    expect(ids('骨干教师和交流轮岗各要多少')).toEqual(['backbone', 'gov11a_rotation_rate']);
  });

  it('is not an indicator question when nothing the data holds is named', () => {
    expect(readIndicatorQuestion('领导小组组长是谁', names)).toBeNull();
  });
});

describe('the facts from the checklist data', () => {
  it('states the standard of both stages when none is named, with the formula', () => {
    expect(facts('运动场要多大')[0]).toBe('生均体育运动场馆面积：小学不少于 7.5 平方米/生，初中不少于 10.2 平方米/生（体育运动场馆面积（室内场馆＋室外场地）÷ 在校学生数）');
  });

  it('turns the asker\'s students into the least total, which the rule code itself judges as met (and one less as not)', () => {
    expect(facts('我们初中1200个学生，操场得有多大')).toContain('按 1200 名学生算，初中的体育运动场馆面积（室内场馆＋室外场地）至少 12240 平方米（1200 × 10.2）');
    const sport = indicator('youzhi-2017-resource', 'sport');
    expect(judge(sport, indicatorValue(sport, { sport_area: 12240, students: 1200 })!, 'junior')!.pass).toBe(true);
    expect(judge(sport, indicatorValue(sport, { sport_area: 12239, students: 1200 })!, 'junior')!.pass).toBe(false);
    // Whole people are rounded up: 4.2 × 1120 ÷ 100 = 47.04 → 48.
    expect(facts('小学1120人，高于规定学历的老师至少几个').join('\n')).toContain('至少 48 人');
  });

  it('per 12 classes in rooms, rounded up as the formula does', () => {
    expect(facts('我们26个班，音乐教室要几间').join('\n')).toContain('按 26 个班算，小学、初中的音乐专用教室数至少 3 间（每 12 个班 1 间，不足 12 个班按 12 个班算：3（26 个班 ÷ 12，向上取整） × 1）');
  });

  it('a count per class asked with students only says it needs the classes and computes nothing', () => {
    const lines = facts('我们小学有800个学生，音乐教室要几间').join('\n');
    expect(lines).toContain('小学的这一项按班级数算，您给的是学生数（800）；告诉我班级数，我可以算出至少要多少');
    expect(lines).not.toMatch(/至少 \d+ 间/u);
  });

  it('judges the asker\'s value and, for the 7 school items, the 85 % floor of the 单校规则', () => {
    const lines = facts('小学生均设备值1800元，算达标吗');
    expect(lines).toContain('您说的 1800 元/生：没有达到小学标准（不少于 2000）');
    expect(lines.join('\n')).toContain('2000 × 0.85 = 1700 元/生。您的数高于底线：如果其余 6 项都达标，这所学校仍然合格');
    expect(facts('小学生均运动场只有6.2平，其他都达标了，能过吗').join('\n')).toContain('7.5 × 0.85 = 6.375 平方米/生。您的数低于底线：这所学校不合格');
    // A lone bare number said with 生均 is the value itself, unit or not.
    expect(facts('我们小学生均仪器1800能过不')).toContain('您说的 1800 元/生：没有达到小学标准（不少于 2000）');
    expect(facts('初中生均仪器设备值2600够不够')).toContain('您说的 2600 元/生：达到初中标准（不少于 2500）');
  });

  it('works a share out of two counts and the total out of money and pupils, with the rule code', () => {
    expect(facts('这届初一进来600人，到初三剩566，巩固率够吗').join('\n')).toContain('566 ÷ 600 × 100 = 94.33 %：没有达到标准（不少于 95）');
    expect(facts('特教学校120个学生，一年公用经费66万，生均够不够').join('\n')).toContain('660000 ÷ 120 = 5500 元/生·年：没有达到标准（不少于 6000）');
  });

  it('lists the items of a part asked for, from the checklist, with their article', () => {
    const [list] = indicatorFacts(checklists, readIndicatorQuestion('优均资源配置那7项指标分别是啥', names)!);
    expect(list!.text).toMatch(/^优质均衡 · 资源配置（清单里的 7 个条目）：每百名学生拥有高于规定学历教师数；/u);
    expect(list!.source).toContain('第六条');
  });

  it('a 一票否决 case named (分了重点班) says what it means and lists every such case from the data', () => {
    const [veto] = facts('有初中偷偷分了重点班，优均还有戏吗');
    expect(veto).toContain('「没有设重点班」是一票否决项：做不到的话，全县不能通过优质均衡认定。');
    const all = checklists.flatMap((c) => c.indicators.filter((i) => i.veto)).map((i) => i.name);
    for (const name of all) expect(veto).toContain(name);
    // The items are what must be done (没有设重点班), so they are not listed as the cases that veto.
    expect(veto).toContain('须做到的各项：');
    expect(veto).not.toContain('情形有');
  });

  it('an upper limit is exceeded or kept, not "reached": 班额, 学校规模', () => {
    expect(facts('我们初中最大班52人')).toContain('您说的 52 人/班：超过了初中标准（不超过 50）');
    expect(facts('初中在校生2150人，规模有没有超')).toContain('您说的 2150 人：超过了初中标准（不超过 2000）');
  });

  it('a 差异系数 against the limit of each evaluation', () => {
    expect(facts('小学有一项差异系数0.52，算不算达标').join('\n')).toContain('您说的差异系数 0.52（小学）：超过上限 0.5，不符合要求');
  });

  it('场馆 alone names the sports-ground item, and the asker\'s area is judged against it and its floor', () => {
    const lines = facts('我们初中800人场馆7000平够不').join('\n');
    expect(lines).toContain('7000 ÷ 800 = 8.75');
    expect(lines).toContain('8.67');
  });

  it('figures that are all standards, with no word asking whether they pass, are the standards quoted, not judged', () => {
    const quoted = facts('优均小学差异系数是0.5还是0.45').join('\n');
    expect(quoted).not.toContain('您说的');
    expect(quoted).not.toContain('您给的');
    expect(quoted).toContain('小学不超过 0.5');
    expect(facts('音乐教室96平是使用面积还是建筑面积').join('\n')).not.toContain('您说的');
    // Asked whether it passes, the same figure is the asker's own.
    expect(facts('我们小学有一项差异系数0.5，算不算达标').join('\n')).toContain('您说的差异系数 0.5');
  });

  it('the 差异系数 limits of the evaluation named only (优质均衡 → not 基本均衡\'s 综合 limit)', () => {
    const lines = facts('优质均衡的校际差异系数小学不能超过多少');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^优质均衡 · 学校资源配置（7项）：校际差异系数小学不超过 0.5/u);
  });

  it('works the 差异系数 out of the asker\'s schools with the rule code\'s weighted formula, and judges it', () => {
    const lines = facts('县里就两所小学：A校400人生均用房5平，B校100人生均3平，差异系数多少');
    expect(lines[0]).toBe('按在校生数加权：X̄ = (400×5 + 100×3) ÷ 500 = 4.6；S = √[(400×(5−4.6)² + 100×(3−4.6)²) ÷ 500] = 0.8；CV = S ÷ X̄ = 0.8 ÷ 4.6 = 0.174');
    expect(weightedCV([{ students: 400, value: 5 }, { students: 100, value: 3 }])).toBeCloseTo(0.8 / 4.6, 10);
    expect(lines.join('\n')).toContain('逐项判定，小学每项须不超过 0.5，0.174 符合要求');
    // 基本均衡 judges only the mean of its 8 items.
    expect(lines.join('\n')).toContain('单项不单独判定，8 项的平均（综合差异系数）小学须低于 0.65');
  });

  it('finishes CV = S ÷ X̄ from a mean and standard deviation the asker already has, against the stage\'s limit', () => {
    const lines = facts('初中仪器设备值那项，全县加权平均2600元，加权标准差1235，差异系数多少');
    expect(lines[0]).toBe('CV = S ÷ X̄ = 1235 ÷ 2600 = 0.475');
    expect(lines[1]).toContain('逐项判定，初中每项须不超过 0.45，0.475 不符合要求');
  });

  it('averages the 8 single coefficients into 基本均衡\'s 综合差异系数 with the rule code', () => {
    const [line] = facts('基均时候小学8项差异系数是0.52、0.61、0.70、0.48、0.66、0.59、0.72、0.64，综合的是多少');
    expect(line).toContain('= 4.92 ÷ 8 = 0.615；小学须低于 0.65，符合要求');
  });

  it('says how far apart the two stages\' standards are, from the data', () => {
    expect(facts('高于规定学历教师这项，初中比小学要求高多少')).toContain('初中比小学高 1.1 人/百生（5.3 − 4.2）');
    // Asked which is higher, the difference answers too.
    expect(facts('小学和初中哪个生均仪器设备值要求高')).toContain('初中比小学高 500 元/生（2500 − 2000）');
  });

  it('音乐教室 with an area is the room\'s area, with a class count the number of rooms', () => {
    expect(readIndicatorQuestion('新建的音乐教室100平，够不够', names)!.indicators.map((n) => n.indicator.id)).toEqual(['gov03c_music_room_area']);
    expect(readIndicatorQuestion('我们26个班，音乐教室要几间', names)!.indicators.map((n) => n.indicator.id)).toEqual(['gov03a_music_rooms']);
    expect(readIndicatorQuestion('音乐教室有什么要求', names)!.indicators.map((n) => n.indicator.id).sort()).toEqual(['gov03a_music_rooms', 'gov03c_music_room_area']);
  });

  it('a yes/no requirement named in everyday words says which evaluation asks it, its article and what the self-check asks', () => {
    const [line] = indicatorFacts(checklists, readIndicatorQuestion('国家课程开不起会不会影响优均', names)!);
    const item = checklists.flatMap((c) => c.indicators).find((i) => i.id === 'qual07a_curriculum')!;
    expect(line!.text).toBe(`优质均衡的要求：国家课程开齐开足（自查时核对：${item.kind === 'boolean' ? item.question : ''}）`);
    expect(line!.source).toContain('第八条第（七）项');
    expect(line!.unverified).toBe(true);
    // 四统一 names all four items.
    expect(facts('城里学校和农村学校，四统一是哪四个统一')).toHaveLength(4);
  });

  it('follows the data: a changed threshold changes the standard and the computed requirement', () => {
    const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'junheng-checklists-'));
    try {
      fs.cpSync(dir, copy, { recursive: true });
      const file = path.join(copy, 'youzhi-2017-resource.yaml');
      fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('thresholds: {primary: 7.5, junior: 10.2}', 'thresholds: {primary: 7.5, junior: 11}'));
      const changed = loadChecklists(copy);
      const q = readIndicatorQuestion('我们初中1200个学生，操场得有多大', loadIndicatorNames(copy, changed)!)!;
      const lines = indicatorFacts(changed, q).map((f) => f.text);
      expect(lines[0]).toContain('初中不少于 11 平方米/生');
      expect(lines).toContain('按 1200 名学生算，初中的体育运动场馆面积（室内场馆＋室外场地）至少 13200 平方米（1200 × 11）');
    } finally {
      fs.rmSync(copy, { recursive: true, force: true });
    }
  });

  it('rejects names data that points at no numeric indicator, in Chinese', () => {
    const raw = { programs: [], indicators: [{ ref: 'youzhi-2017-resource/nope', names: ['x'], reason: '测试用' }], asks: { words: ['多少'], reason: '测试', notValue: ['够吗'], notValueReason: '测试', ofRate: ['多少'], ofRateReason: '测试', judge: ['够吗'], judgeReason: '测试' }, local: { words: ['该县'], reason: '测试', documents: ['那个规划'], documentsReason: '测试' }, figures: [], units: [], stages: [], groups: [], uncovered: { names: ['幼儿园'], standardWords: ['标准'], reason: '测试' }, balance: { names: ['差异系数'], reason: '测试', meanWords: ['平均'], sdWords: ['标准差'], momentsReason: '测试' }, difference: { words: ['差多少'], reason: '测试' }, compound: { separators: ['和'], reason: '测试' }, floor: { words: ['底线'], reason: '测试', failed: ['没达标'], failedReason: '测试' }, rates: { words: ['生均'], reason: '测试' }, followUp: { words: ['呢'], reason: '测试' }, parts: [], lists: { words: ['哪些'], reason: '测试' }, vetoes: [], requirements: [] };
    expect(thrown(() => parseIndicatorNames(raw, 'names.yaml', checklists))).toMatchObject({ userMessage: expect.stringMatching(/youzhi-2017-resource\/nope 不是任何检查清单里的数值指标/u) });
  });
});

describe('indicator answers in the chat', () => {
  const answers = new IndicatorAnswers(checklists, names);
  const finish = (q: string, passage: Answer = noAnswer) => answers.finish(planQuery(q, { lexicon }), passage);

  it('a question into a district\'s own plan (区里的优均方案) is for its documents, not the national standard', () => {
    const district = quoted('…社会满意度不断提高,……', 'document', '推进县域义务教育优质均衡发展工作方案');
    expect(finish('区里优均方案里社会认可度目标定的是多少？', district)).toBe(district);
    expect(finish('区里优均方案里社会认可度目标定的是多少？').facts ?? []).toEqual([]);
    // Asked of the standard itself, the data answers.
    expect(finish('社会认可度要达到多少').facts?.[0]?.text).toContain('85 %');
    // Both sides asked: the standard from the data, the district's passage kept.
    const both = finish('区里方案的教师交流轮岗比例和优均的要求一样吗', quoted('全区每年交流轮岗教师的比例不低于符合交流条件教师总数的10%', 'document', '工作方案'));
    expect(both.facts?.[0]?.text).toContain('教师交流轮岗比例');
    expect(both.quotes).toHaveLength(1);
  });

  it('answers from the data, each fact with the rule it comes from, readable on a phone', () => {
    const a = finish('我们初中1200个学生，操场得有多大');
    expect(a.status).toBe('answered');
    const text = answerReply(a).text;
    expect(text).toContain('按国家督导评估标准（每条注明出处）：');
    expect(text).toContain('依据：《县域义务教育优质均衡发展督导评估办法》（教督〔2017〕6号）第六条第（五）项');
    expect(text).toContain('12240 平方米');
    // The standard and the computed requirement come from the same article: one 依据 line for both.
    expect(text.match(/依据：/gu)).toHaveLength(1);
  });

  it('a stage the data does not cover is said plainly, never answered with another stage\'s standard', () => {
    const a = finish('幼儿园生均户外活动场地国家标准是多少');
    expect(a).toMatchObject({ status: 'partial', reason: { code: 'fact_missing', asked: { kind: 'uncovered', label: '幼儿园' } } });
    expect(answerReply(a).text).toContain('没有「幼儿园」的标准');
    expect(answerReply(a).text).not.toMatch(/\d+(?:\.\d+)? 平方米/u);
  });

  it('asked about something the item\'s note speaks of (九年一贯制), the note is shown beside the standard line', () => {
    const text = finish('九年一贯制学校规模上限').facts!.map((f) => f.text).join('\n');
    expect(text).toContain('2000 人');
    expect(text).toContain('上限是2500人');
    expect(finish('小学学校规模最多多少人').facts!.map((f) => f.text).join('\n')).not.toContain('2500');
  });

  it('a note stating a limit of its own (一贯制 2500人) comes with the standard when no stage is named', () => {
    expect(finish('优均对学校规模有啥要求').facts!.map((f) => f.text).join('\n')).toContain('上限是2500人');
    expect(finish('初中学校规模最多多少人').facts!.map((f) => f.text).join('\n')).not.toContain('2500');
  });

  it('keeps as 相关原文 only the quotes that speak of the item the data answers about', () => {
    const restated = (text: string) => quoted(text, 'restatement', '标准整理稿', ['（二）经费']);
    const other = finish('特殊教育学校生均公用经费要多少', restated('第4项：每所学校的教师培训经费不少于本校年度公用经费预算总额的5%。'));
    expect(other.status).toBe('answered');
    expect(other.facts![0]!.text).toContain('6000');
    expect(other.quotes).toEqual([]);
    expect(other.citations).toEqual([]);
    const same = finish('特殊教育学校生均公用经费要多少', restated('第7项：特殊教育学校生均公用经费每年不低于6000元。'));
    expect(same.quotes).toHaveLength(1);
    // A comparison keeps each side's quote, whatever it names.
    const sides = finish('这个区的特殊教育学校生均公用经费和优均的要求一样吗', restated('区里按每生每年6000元拨付特教经费。'));
    expect(sides.quotes).toHaveLength(1);
  });

  it('asked for the national standard and a county\'s own figure at once, the data answers and the county\'s passage stays', () => {
    const county = quoted('2020年,全县适龄残疾儿童少年入学率达到95.6%。', 'document', '某县工作总结');
    const both = finish('残疾儿童少年入学率，国家优均要求多少？那个县2020年实际做到多少？', county);
    expect(both.status).toBe('answered');
    expect(both.facts![0]!.text).toContain('不少于 95 %');
    expect(both.quotes).toEqual(county.quotes);
    // Only the county's own figure asked: the passage answers alone.
    expect(finish('该县2020年残疾儿童少年入学率是多少', county)).toBe(county);
  });

  it('a question that is only an indicator\'s name (残疾儿童入学率, 小学骨干教师) asks its standard; with a place it does not', () => {
    expect(readIndicatorQuestion('残疾儿童入学率', names)!.asksStandard).toBe(true);
    expect(readIndicatorQuestion('小学骨干教师', names)!.asksStandard).toBe(true);
    expect(readIndicatorQuestion('英阿瓦提小学骨干教师', names)!.asksStandard).toBe(false);
  });

  it('an item said to have failed (骨干教师没达标能过吗) is answered with the 单校规则\'s 85 % floor', () => {
    const text = finish('骨干教师没达标能过吗').facts!.map((f) => f.text).join('\n');
    expect(text).toContain('只有这一项没达标时，它的底线是标准的 85%');
    expect(text).toContain('0.85 人/百生');
  });

  it('a stage the data does not cover, asked for its 指标, is said plainly too', () => {
    expect(finish('幼儿园优质均衡有啥指标')).toMatchObject({ status: 'partial', reason: { asked: { kind: 'uncovered', label: '幼儿园' } } });
  });

  it('高中 inside an indicator\'s own name (优质高中招生名额分配) is not a stage the data lacks', () => {
    expect(finish('优质高中招生名额分配到初中的比例要多少')).toMatchObject({ status: 'answered' });
  });

  it('an item with no national value (基本均衡\'s 计算机台数) is partial: the data says there is none', () => {
    expect(finish('基均的电脑台数有标准吗').status).toBe('partial');
  });

  it('an item with no national value is not answered by one school\'s own figure (生均8册); the restatement may answer', () => {
    const school = quoted('图书2441册，生均8册。', 'document', '某小学均衡发展实施方案', ['一、基本情况']);
    const a = finish('生均图书要多少册', school);
    expect(a.status).toBe('partial');
    expect(a.facts![0]!.text).toContain('国家没有规定单项达标值');
    expect(a.quotes).toEqual(school.quotes);
    const restated = { ...school, citations: [{ ...school.citations[0]!, kind: 'restatement' as const }] };
    expect(finish('生均图书要多少册', restated).status).toBe('answered');
  });

  it('an item of the other evaluation (优均的生均图书册数) is partial and says where the item belongs', () => {
    const a = finish('优均对生均图书册数有要求吗，要多少册');
    expect(a.status).toBe('partial');
    expect(a.facts![0]!.text).toContain('优质均衡的指标里没有「生均图书册数」这一项');
  });

  it('an evaluation asked for an item it does not have is partial, even when a county\'s document mentions the topic', () => {
    const county = quoted('配备专兼职心理辅导教师187人', 'document', '某县自评报告');
    const a = finish('优质均衡对学校心理健康教师的配备比例有什么规定', county);
    expect(a.status).toBe('partial');
    expect(a.quotes).toEqual(county.quotes);
    // The project's restatement of the evaluation may still answer.
    const restated = { ...county, citations: [{ ...county.citations[0]!, kind: 'restatement' as const }] };
    expect(finish('优质均衡对学校心理健康教师的配备比例有什么规定', restated).status).toBe('answered');
    // Asking whether something passes is not asking for a value the data lacks.
    expect(finish('老百姓要是不买账，优均还能过吗', county).status).toBe('answered');
  });

  it('a restatement passage that never names what the question is about (食堂) is partial; one that names it answers', () => {
    const restated = (text: string) => quoted(text, 'restatement', '整理稿', ['（二）校舍、场地与设备']);
    const corpus = ['生均教学及辅助用房面积：小学不少于4.5平方米', '学生食堂按规定配备', '心理健康教育教师按规定配备', '按国家标准配备', '在校学生数', '每百名学生', '每所学校', '学校规模', '优质均衡发展', '优质均衡评估'];
    const df = (t: string) => corpus.filter((x) => x.includes(t)).length;
    const withCorpus = (q: string, passage: Answer) => answers.finish(planQuery(q, { lexicon, df }), passage);
    const rooms = restated('4.生均教学及辅助用房面积：小学不少于4.5平方米，初中不少于5.8平方米。');
    const a = withCorpus('学生食堂生均面积国家标准是多少', rooms);
    expect(a.status).toBe('partial');
    expect(a.facts![0]!.text).toContain('没有“食堂”的国家要求');
    expect(a.quotes).toEqual(rooms.quotes);
    expect(answerReply(a).text).toContain('4.5平方米');
    const named = restated('心理健康教育教师按规定配备。');
    expect(withCorpus('优质均衡对学校心理健康教师的配备比例有什么规定', named).status).toBe('answered');
    // The asked figure must be about the head: named in one sentence and a figure in the next is not enough.
    const listed = restated('计入的房间有教室、实验室、图书室等。5.生均体育运动场馆面积：小学不少于7.5平方米。');
    expect(withCorpus('科学实验室每间多少平', listed).status).toBe('partial');
    const stated = restated('每间科学实验室不小于90平方米。');
    expect(withCorpus('科学实验室每间多少平', stated).status).toBe('answered');
    // 每年 asked: a five-year figure beside a 每年 said of something else does not answer.
    const fiveYears = restated('教师"5年360学时"培训完成率100%。每年交流轮岗教师不少于10%。');
    expect(withCorpus('老师培训每年最少要完成多少学时', fiveYears).status).toBe('partial');
    expect(withCorpus('老师培训每年最少要完成多少学时', restated('教师培训每年不少于72学时。')).status).toBe('answered');
  });

  it('a question asking in a measure the data does not count in (每间几台电脑, 抽多少人) is partial, the data\'s item kept', () => {
    const a = finish('每间网络多媒体教室配几台电脑有规定没');
    expect(a.status).toBe('partial');
    expect(a.facts![0]!.text).toContain('没有按“台”计的数');
    // The item the data does hold is still shown, as the related rule.
    expect(a.facts!.some((f) => f.text.includes('2.3 间/百生'))).toBe(true);
    expect(finish('社会认可度调查最少要抽多少人').status).toBe('partial');
    // Asked in the data's own measure, the same item answers.
    expect(finish('小学网络多媒体教室每百名学生要几间').status).toBe('answered');
    // A county's own count in that measure is no rule: still partial, the passage kept as related text.
    const county = quoted('建成多媒体教室1448个，配备电脑3808台。', 'document', '某县工作总结');
    // 多大 asks for an area: a count of rooms per 100 students is none.
    const size = finish('网络多媒体教室每间面积要多大');
    expect(size.status).toBe('partial');
    expect(size.facts![0]!.text).toContain('没有写明面积或规模');
    expect(finish('初中操场要多大').status).toBe('answered');
    const withCounty = finish('每间网络多媒体教室配几台电脑有规定没', county);
    expect(withCounty.status).toBe('partial');
    expect(withCounty.quotes).toEqual(county.quotes);
  });

  it('put at a level (区里要求…哪年), a question the data has no year for is answered by that level\'s document', () => {
    const district = quoted('到2019年底,各地区公办小学、初中(均不含寄宿制学校)就近划片入学比例分别达到100%和95%以上。', 'document', '推进义务教育优质均衡发展工作方案');
    const a = finish('区里要求公办小学初中就近划片入学，给的最后期限是哪年', district);
    expect(a.status).toBe('answered');
    expect(a.quotes).toEqual(district.quotes);
    // When the level's document states no year either, the data says it holds none, the document kept as related text.
    const undated = quoted('各地区公办小学、初中就近划片入学比例分别达到100%和95%以上。', 'document', '推进义务教育优质均衡发展工作方案');
    const b = finish('区里要求公办小学初中就近划片入学，给的最后期限是哪年', undated);
    expect(b.status).toBe('partial');
    expect(b.facts![0]!.text).toContain('没有写明时间');
  });

  it('a bare 多少 of an indicator that is itself a rate asks its standard; 几个学校 does not ask a number', () => {
    const swap = finish('交流轮岗比例是多少');
    expect(swap.status).toBe('answered');
    expect(swap.facts![0]!.text).toContain('10 %');
    expect(finish('特教学校公用经费多少').status).toBe('answered');
    // The passage answer (here: none) stands: the question asks how schools share teachers.
    expect(finish('英语音乐美术老师不够，几个学校咋共用？')).toBe(noAnswer);
    // Asked per semester, while the data's rule is per year: partial, the rule shown.
    const perTerm = finish('交流轮岗是按学期算比例吗，每学期得交流多少老师');
    expect(perTerm.status).toBe('partial');
    expect(perTerm.facts![0]!.text).toContain('没有按“每学期”计的数');
  });

  it('an item whose own name is about another stage (全县初中三年巩固率, asked for 小学) is partial, not that stage\'s standard', () => {
    const a = finish('优均对小学六年巩固率有要求吗，要多少');
    expect(a.status).toBe('partial');
    expect(a.facts![0]!.text).toBe('「全县初中三年巩固率」说的是初中；检查清单里没有小学的这一项');
    expect(finish('优均对初中三年巩固率要求多少').status).toBe('answered');
  });

  it('an item whose own name is about other people (教师交流轮岗比例, asked for 校长) is partial, not their standard', () => {
    const a = finish('交流轮岗里校长每年要交流多少比例');
    expect(a.status).toBe('partial');
    expect(a.facts![0]!.text).toBe('「教师交流轮岗比例」说的是教师；检查清单里没有校长的这一项');
    // The teachers' rule is still shown, as the neighbouring item.
    expect(a.facts!.some((f) => f.text.includes('不少于 10 %'))).toBe(true);
    // 骨干教师 is a kind of 教师; naming teachers beside principals asks the teachers' rule too.
    expect(finish('骨干教师交流比例是多少').status).toBe('answered');
    expect(finish('校长和老师交流轮岗比例多少').status).toBe('answered');
  });

  it('a 一票否决 item the source was not read to list is partial and says so; a verified one is answered', () => {
    const a = finish('学校出了重大安全事故，优均是不是直接一票否决？');
    expect(a.status).toBe('partial');
    expect(a.facts![0]!.text).toContain('办法原文是否这样规定没有读到（未经核实');
    expect(a.facts![0]!.text).not.toMatch(/」是一票否决项/u);
    const b = finish('设重点班是不是一票否决');
    expect(b.status).toBe('answered');
    expect(b.facts![0]!.text).toContain('「没有设重点班」是一票否决项');
    // Its own standing decides the hedge, not 社会认可度's unverified 85 % listed beside it.
    expect(b.facts![0]!.unverified).toBe(false);
  });

  it('leaves a question about one county\'s own document to the passages', () => {
    const passage: Answer = { ...noAnswer, question: '拜城县的操场有多大' };
    expect(finish('拜城县的操场有多大', passage)).toBe(passage);
  });
});
