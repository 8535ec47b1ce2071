import fs from 'node:fs';
import path from 'node:path';
import { Document } from '@langchain/core/documents';
import { BaseRetriever } from '@langchain/core/retrievers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LangChainPassageRetriever } from '../../src/answer/langchain.js';
import { AnswerPipeline } from '../../src/answer/pipeline.js';
import { answerReply } from '../../src/chat/answerView.js';
import { readQuestions } from '../../src/eval/questions.js';
import { runEval } from '../../src/eval/run.js';
import { runIngest } from '../../src/ingest/pipeline.js';
import { LocalHashEmbeddings } from '../../src/index/embedder.js';
import { PassageIndex } from '../../src/index/reader.js';
import { sharedDir } from '../helpers/shared.js';
import { seedsDir, standardsCorpus, tempDir } from '../ingest/pipelineFixture.js';

const devFile = `${sharedDir}/eval/dev.jsonl`;
const questions = readQuestions(devFile);
const indexDir = tempDir('answer-index');
const standards = standardsCorpus();
let index: PassageIndex;
let pipeline: AnswerPipeline;

beforeAll(async () => {
  // The standards restatement is marked as the project's own text, as corpus/sources.yaml does.
  fs.copyFileSync(path.resolve('corpus/sources.yaml'), path.join(standards, 'sources.yaml'));
  const embedder = new LocalHashEmbeddings();
  await runIngest({ dirs: [seedsDir, standards], indexDir, embedder, maxFileBytes: 100 * 1024 * 1024 });
  index = PassageIndex.open(indexDir, embedder);
  pipeline = new AnswerPipeline(index);
});
afterAll(() => {
  index.close();
  for (const d of [indexDir, standards]) fs.rmSync(d, { recursive: true, force: true });
});

/** Figures as the documents write them: 1448, 1.61, 1:11.58, 95%, 2013—2017 … (NFKC, no grouping commas). */
function figures(text: string): string[] {
  return text.normalize('NFKC').match(/\d+(?:[.:]\d+)*%?/g) ?? [];
}

describe('the answering pipeline over a real index', () => {
  it('states no figure that is not in one of its cited passages', async () => {
    let checked = 0;
    for (const q of questions) {
      const a = await pipeline.answer(q.question);
      const body = a.quotes.map((x) => x.text).join('\n');
      const cited = a.citations.map((c) => c.text.normalize('NFKC')).join('\n');
      for (const f of figures(body)) {
        expect(cited, `${q.id}: figure ${f}`).toContain(f);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(30);
  });

  it('quotes verbatim from the passage each quote cites, within one phone screen', async () => {
    for (const q of questions.filter((x) => x.answerable)) {
      const a = await pipeline.answer(q.question);
      expect(a.status, q.id).not.toBe('not_found');
      for (const quote of a.quotes) {
        expect(a.citations[quote.citation]!.text, q.id).toContain(quote.text);
        expect(quote.text.length).toBeLessThanOrEqual(pipeline.lexicon.pipeline.maxQuote + 60);
      }
    }
  });

  it('a question with no topic is not answered and says so as no_topic', async () => {
    const a = await pipeline.answer('有什么要求？');
    expect(a).toMatchObject({ status: 'not_found', reason: { code: 'no_topic' }, quotes: [], citations: [] });
  });

  it('a question about something no document speaks of is off topic, not answered with a stray passage', async () => {
    for (const q of ['明天天气怎么样', '手机流量套餐怎么办理']) {
      expect(await pipeline.answer(q), q).toMatchObject({ status: 'not_found', reason: { code: 'off_topic' }, quotes: [] });
    }
  });

  it('a per-student question answered only by totals is partial, naming the missing unit', async () => {
    const a = await pipeline.answer('该县教师培训经费生均每月是多少？');
    expect(a.status).not.toBe('answered');
    if (a.status === 'partial') {
      expect(a.reason).toMatchObject({ code: 'fact_missing' });
      expect(a.quotes.length).toBeGreaterThan(0);
    }
  });

  it('repairs a pinyin typo before search, shows the repair in the diagnostics and tells the user what was looked up', async () => {
    const { answer, diagnostics } = await pipeline.explain('差异系树怎么算？');
    expect(diagnostics.plan.repairs.map((r) => r.to)).toContain('差异系数');
    expect(answer.quotes.map((q) => q.text).join('')).toContain('差异系数');
    expect(answer.understood).toContainEqual({ from: '差异系树', to: '差异系数' });
    expect(answerReply(answer).text.split('\n')[0]).toBe('（按“差异系数”查找，您输入的是“差异系树”）');
  });

  it('answers each of two questions in one message from its own passage', async () => {
    const a = await pipeline.answer('轮台的规划里老师要培训多少学时？优均对培训学时有啥要求？');
    expect(a.status).toBe('answered');
    expect(a.citations).toHaveLength(2);
    expect(a.citations[0]!.sectionPath.join(' ')).toContain('轮台');
    expect(a.citations[1]!.source).not.toBe(a.citations[0]!.source);
    expect(a.quotes.map((q) => q.text).join('')).toMatch(/240学时[\s\S]*360学时/u);
  });

  it('repairs a typo of a word that only a document title uses (整该 → 整改: 小学义务教育均衡发展整改工作实施方案)', async () => {
    const { diagnostics } = await pipeline.explain('整该方案里专项资金要用在哪？');
    expect(diagnostics.plan.repairs).toContainEqual(expect.objectContaining({ from: '整该', to: '整改' }));
  });

  it('the passages an answer leads with are ranked first, also when answerability picked one below the top', async () => {
    // 小学整改方案里专项资金要用在哪 names a document: its passage answers, though a county report's ranks higher on words.
    const lead = async (q: string) => {
      const { answer, diagnostics } = await pipeline.explain(q);
      return { first: answer.citations[answer.quotes[0]?.citation ?? -1]?.passageId, ranked: diagnostics.ranked[0]?.id, source: answer.citations[0]?.source };
    };
    const named = await lead('小学整改方案里专项资金要用在哪？');
    expect(named.source).toMatch(/003_4e1e901ccd9dcf3c\.txt$/u);
    expect(named.ranked).toBe(named.first);
    // Two questions in one message, and comparisons, quote a passage per part: those lead, in the order quoted.
    const asked = [...questions.filter((x) => x.answerable).map((x) => x.question), '拜城县几年内完成薄弱学校改造？全县要有多大比例的学校达到自治区合格标准？'];
    let parted = 0;
    for (const q of asked) {
      const { answer, diagnostics } = await pipeline.explain(q);
      if (answer.status === 'not_found') continue;
      const quoted = [...new Set(answer.quotes.map((x) => answer.citations[x.citation]!.passageId))];
      if (quoted.length > 1) parted += 1;
      expect(diagnostics.ranked.slice(0, quoted.length).map((r) => r.id), q).toEqual(quoted);
    }
    expect(parted).toBeGreaterThan(0);
  });

  it('a question in two parts that one passage answers is answered from it, the document named not counting as content', async () => {
    const a = await pipeline.answer('市里那篇调研报告的师生比是咋算的？学生数除以老师数吗');
    expect(a.status).toBe('answered');
    expect(a.quotes[0]?.text).toContain('师生比是指在册学生数与专任教师的比值');
  });

  it('cites the restatement as the project\'s own text, with a short title and the article it states', async () => {
    const a = await pipeline.answer('优质均衡每间音乐教室面积要多大？');
    expect(a.status).toBe('answered');
    const c = a.citations[0]!;
    expect(c.kind).toBe('restatement');
    expect(c.title.length).toBeLessThanOrEqual(21);
    expect(a.quotes[0]!.text).toContain('96平方米');
  });

  it('answers a question about one county\'s own document from documents only, never the restatement of the standards', async () => {
    // 社会认可度 is in the restatement alone: asked of the district's plan, nothing answers it.
    const local = await pipeline.explain('这个区的方案要求社会认可度达到百分之多少？');
    expect(local.diagnostics.ranked.length).toBeGreaterThan(0);
    expect(local.diagnostics.ranked.every((r) => index.passage(r.id)!.kind === 'document')).toBe(true);
    expect(local.answer.citations.every((c) => c.kind === 'document')).toBe(true);
    const national = await pipeline.answer('优均的社会认可度要达到多少？');
    expect(national.citations[0]!.kind).toBe('restatement');
  });

  it('quotes both sides of a comparison', async () => {
    const a = await pipeline.answer('基本均衡和优质均衡有什么区别？');
    expect(a.status).toBe('answered');
    const text = a.quotes.map((q) => q.text).join('');
    expect(text).toMatch(/基本均衡/u);
    expect(text).toMatch(/优质均衡/u);
  });

  it('a partial answer to a question about something the documents never name (校医) says the word is missing', async () => {
    const a = await pipeline.answer('学校要配几个校医');
    expect(a.status).not.toBe('answered');
    if (a.status === 'partial') expect(a.reason).toEqual({ code: 'fact_missing', asked: { kind: 'unknown', label: '校医' } });
  });

  it('each side of a two-part question is quoted from a passage stating what was asked (the plan\'s date, not its opening)', async () => {
    const a = await pipeline.answer('北永康小学跟英阿瓦提小学的均衡方案分别是啥时候写的');
    expect(a.quotes[0]!.text).toContain('北永康小学');
    expect(a.quotes[0]!.text).toContain('2024年2月26日');
  });

  it('分别 without a comparison asked: one passage that states both figures is quoted alone', async () => {
    const a = await pipeline.answer('区里方案里公办小学和初中就近划片入学比例分别要到多少');
    expect(a.status).toBe('answered');
    expect(a.quotes).toHaveLength(1);
    expect(a.quotes[0]!.text).toMatch(/100%.*95%/u);
  });

  it('is a LangChain retriever whose Documents carry the citation', async () => {
    const retriever = new LangChainPassageRetriever(pipeline, 3);
    expect(retriever).toBeInstanceOf(BaseRetriever);
    const docs = await retriever.invoke('学生营养改善计划拨了多少钱？');
    expect(docs).toHaveLength(3);
    expect(docs[0]).toBeInstanceOf(Document);
    expect(docs[0]!.pageContent).toContain('1.61亿元');
    expect(docs[0]!.metadata).toEqual(expect.objectContaining({ source: expect.stringMatching(/002_/u), title: expect.any(String), passageId: expect.any(Number) }));
  });
});

describe('npm run eval on the seeds and the dev set (smoke check, not a target)', () => {
  it('ranks the gold passage first for at least 90 % and refuses no answerable question', async () => {
    const run = await runEval({ corpora: [seedsDir], questionsFile: devFile });
    const [shipped, peer] = run.reports;
    expect(shipped!.metrics.recallAt1).toBeGreaterThanOrEqual(0.9);
    expect(shipped!.metrics.recallAt5).toBeGreaterThanOrEqual(0.95);
    expect(shipped!.metrics.falseRefusalRate).toBe(0);
    expect(shipped!.metrics.recallAt1).toBeGreaterThan(peer!.metrics.recallAt1);
    expect(run.records).toHaveLength(questions.length);
  });
});
