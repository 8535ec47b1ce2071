import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadLexicon } from '../../src/answer/lexicon.js';
import { planQuery } from '../../src/answer/plan.js';
import type { Answer } from '../../src/answer/types.js';
import { IndicatorAnswers } from '../../src/checklist/answerer.js';
import { loadEvaluations, overviewFacts, parseEvaluations, readOverviewQuestion } from '../../src/checklist/evaluations.js';
import { loadIndicatorNames } from '../../src/checklist/indicatorNames.js';
import { loadChecklists } from '../../src/checklist/load.js';
import { answerReply } from '../../src/chat/answerView.js';
import { thrown } from '../helpers/thrown.js';
import { repoRoot } from '../ingest/pipelineFixture.js';

const dir = path.join(repoRoot, 'corpus/checklists');
const checklists = loadChecklists(dir);
const names = loadIndicatorNames(dir, checklists)!;
const evaluations = loadEvaluations(dir, checklists)!;
const lexicon = loadLexicon();
const noAnswer: Answer = { question: '', status: 'not_found', quotes: [], citations: [], reason: { code: 'no_match' }, suggestions: [] };
const answers = new IndicatorAnswers(checklists, names, evaluations);
const finish = (q: string, passage: Answer = noAnswer) => answers.finish(planQuery(q, { lexicon }), passage);
const texts = (q: string) => overviewFacts(readOverviewQuestion(q, evaluations)!).map((f) => f.text);

describe('an evaluation as a whole, from the evaluations data', () => {
  it('the four parts of 优质均衡 with their counts adding up to the total, each with its article', () => {
    const facts = overviewFacts(readOverviewQuestion('优质均衡评估的指标体系由哪几部分构成，每部分多少项？', evaluations)!);
    expect(facts[0]!.text).toBe('优质均衡从 4 个方面评估，合计 32 项指标：资源配置 7 项、政府保障程度 15 项、教育质量 9 项、社会认可度 1 项（7+15+9+1=32）');
    expect(facts[1]!.source).toContain('第六条');
    // The part's rules are the checklist's own (单校规则, 差异系数), not a second copy.
    const resource = checklists.find((c) => c.id === 'youzhi-2017-resource')!;
    expect(facts[1]!.text).toContain(resource.schoolRule!.description);
    expect(facts[1]!.text).toContain(resource.balanceRule!.description);
    // An article number the data marks as inferred is shown as unverified.
    expect(facts.find((f) => f.text.includes('政府保障程度（15 项）'))!.unverified).toBe(true);
  });

  it('the documents themselves: each evaluation named, with its full title and 文号 from the data', () => {
    const lines = texts('基均和优均的督导评估办法文号分别是啥');
    const youzhi = evaluations.evaluations.find((e) => e.id === 'youzhi')!;
    expect(lines).toContain(`优质均衡的评估文件：《${youzhi.source.document}》（${youzhi.source.number}）`);
    expect(lines.join('\n')).toContain('教督〔2012〕3号');
    expect(finish('优均办法的文号是多少').status).toBe('answered');
    // Without an evaluation named, 文号 is no question about these two documents.
    expect(readOverviewQuestion('县里那份控辍保学通知的文号是多少', evaluations)).toBeNull();
  });

  it('the article a part is in, for each part named; an article the data marks inferred stays marked', () => {
    const facts = overviewFacts(readOverviewQuestion('优均办法里资源配置和教育质量分别是第几条', evaluations)!);
    expect(facts.map((f) => f.text)).toEqual(['优质均衡 · 资源配置：规定在第六条', '优质均衡 · 教育质量：规定在第八条']);
    expect(facts[0]!.source).toContain('教督〔2017〕6号');
    const inferred = overviewFacts(readOverviewQuestion('政府保障程度规定在第几条', evaluations)!);
    expect(inferred[0]!.text).toContain('第七条（推定）');
    expect(inferred[0]!.unverified).toBe(true);
    // No part named: not this question.
    expect(readOverviewQuestion('优均办法第几条讲的是班额', evaluations)).toBeNull();
    // 优均办法里… names the evaluation's own document, which the data restates: answered from the data.
    const a = finish('优均办法里资源配置和教育质量分别是第几条');
    expect(a.status).toBe('answered');
    expect(a.facts!.map((f) => f.text)).toEqual(['优质均衡 · 资源配置：规定在第六条', '优质均衡 · 教育质量：规定在第八条']);
    // What the parts hold was not asked: a passage found about their content is not shown beside.
    const content: Answer = { ...noAnswer, status: 'answered', reason: { code: 'answered' }, quotes: [{ text: '学校规模上，九年一贯制学校只计义务教育阶段学生。', citation: 0 }], citations: [{ passageId: 1, source: '整理稿.md', title: '整理稿', sectionPath: [], page: null, pageEnd: null, text: '学校规模上，九年一贯制学校只计义务教育阶段学生。', kind: 'restatement' }] };
    expect(finish('优均办法里资源配置和教育质量分别是第几条', content).quotes).toEqual([]);
  });

  it('基本均衡\'s four blocks, its 综合差异系数 limits from the checklist', () => {
    const lines = texts('基本均衡督导评估包括哪几块内容');
    expect(lines[0]).toContain('达到本省办学基本标准（门槛）、校际综合差异系数 8 项、县级人民政府推进工作 17 项、公众满意度');
    expect(lines.join('\n')).toContain('小学须小于0.65，初中须小于0.55');
  });

  it('comparing needs both evaluations named, and states 综合 against 逐项 and who may apply', () => {
    expect(readOverviewQuestion('优均有啥不一样', evaluations)?.aspect).not.toBe('compare');
    const all = texts('基均和优均到底有啥不一样').join('\n');
    expect(all).toContain('合计 32 项指标');
    expect(all).toContain('综合差异系数');
    expect(all).toContain('逐项');
    expect(all).toContain('申报优质均衡须同时具备：通过基本均衡认定满3年');
    // On a phone the comparison is long already: a passage restating one of its facts is not added.
    const found: Answer = { ...noAnswer, status: 'answered', reason: { code: 'answered' }, quotes: [{ text: '申请优质均衡须通过基本均衡认定满3年。', citation: 0 }], citations: [{ passageId: 1, source: '整理稿.md', title: '整理稿', sectionPath: [], page: null, pageEnd: null, text: '申请优质均衡须通过基本均衡认定满3年。', kind: 'restatement' }] };
    expect(finish('基均和优均到底有啥不一样', found)).toMatchObject({ status: 'answered', quotes: [] });
  });

  it('申报条件 from the checklist\'s own items', () => {
    expect(texts('什么样的县可以申报优均')).toEqual(['申报优质均衡须同时具备：通过基本均衡认定满3年；基本均衡认定后年度监测保持较高水平']);
  });

  it('answers in the chat with the sources, and leaves one county\'s own plan to the passages', () => {
    const a = finish('优质均衡评估由哪几部分组成');
    expect(a.status).toBe('answered');
    expect(answerReply(a).text).toContain('依据：《县域义务教育优质均衡发展督导评估办法》（教督〔2017〕6号）');
    const passage: Answer = { ...noAnswer, question: '该县优质均衡工作方案由哪几部分组成' };
    expect(finish('该县优质均衡工作方案由哪几部分组成', passage)).toBe(passage);
  });

  it('a part listed from the checklist also says what the part covers', () => {
    const a = finish('政府保障程度那15条主要管哪些事');
    expect(a.facts![0]!.text).toContain('四统一');
    expect(a.facts![1]!.text).toMatch(/^优质均衡 · 政府保障程度（清单里的 \d+ 个条目）/u);
  });

  it('rejects data naming a checklist item that does not exist, in Chinese', () => {
    const raw = {
      evaluations: [{ id: 'x', name: '优质均衡', names: ['优均'], source: { document: 'd', number: 'n', location: 'l' }, unverified: false, parts: [{ title: 't', location: 'l', summary: 's', rules: [], unverified: false, reason: '测试用' }], prerequisites: ['youzhi-2017-county/nope'], reason: '测试用' }],
      structure: { words: ['构成'], reason: '测试' },
      compare: { words: ['区别'], reason: '测试' },
      prerequisites: { words: ['申报'], reason: '测试' },
      documents: { words: ['文号'], reason: '测试' },
      articles: { words: ['第几条'], reason: '测试' },
    };
    expect(thrown(() => parseEvaluations(raw, 'evaluations.yaml', checklists))).toMatchObject({ userMessage: expect.stringContaining('youzhi-2017-county/nope 不在检查清单里') });
  });
});
