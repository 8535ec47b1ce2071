import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { candidateFeatures } from '../../src/answer/features.js';
import { planQuery } from '../../src/answer/plan.js';
import type { Prepared } from '../../src/answer/pipeline.js';
import { DEFAULT_TUNING_FILE, serialiseTuning } from '../../src/answer/tuning.js';
import { chooseRankL2, decisionRates, fitTuning, foldOf, RANK_L2_GRID, startTuning, type FitQuestion } from '../../src/eval/fit.js';
import { readQuestions } from '../../src/eval/questions.js';
import { prepareQuestions, withEvalIndex } from '../../src/eval/run.js';
import { testLexicon } from '../answer/lexiconFixture.js';
import { sharedDir } from '../helpers/shared.js';
import { standardsCorpus } from '../ingest/pipelineFixture.js';

const lexicon = testLexicon();

/** A question with two candidates, the hit one covering the topic, as the pipeline would prepare it. */
function question(id: string, q: string, hitText: string, otherText: string, answerable = true): FitQuestion {
  const plan = planQuery(q, { lexicon });
  const texts = (text: string) => ({ text, heading: '', section: '', context: '' });
  const candidates = [otherText, hitText].map((t, i) => ({
    id: i,
    texts: texts(t),
    ranks: { word: i, bigram: 1 - i, vector: null },
    features: candidateFeatures(plan, texts(t), { word: i, bigram: 1 - i, vector: null }, () => 1, lexicon),
  }));
  const prepared: Prepared = { plan, recall: { word: [0, 1], bigram: [1, 0], vector: [], shares: { word: [1, 0.5], bigram: [1, 0.5], vector: [] } }, candidates, unknownKeyShare: 0, unknownScope: [] };
  return { id, answerable, prepared, hits: new Set(answerable ? [1] : []) };
}

const questions = [
  question('a', '音乐教室面积是多少', '音乐教室面积不小于96平方米', '体育场馆建设'),
  question('b', '美术教室面积是多少', '美术教室面积不小于90平方米', '图书配备'),
  question('c', '教师培训经费比例是多少', '教师培训经费不低于公用经费的5%', '校舍维修'),
  question('d', '班主任津贴每月多少', '体育场馆建设', '图书配备', false),
];

describe('fitTuning', () => {
  it('is deterministic: the same questions give the same tuning file', () => {
    const options = { targetFalseRefusal: 0.03, questionsLabel: 'test', note: 'test' };
    expect(serialiseTuning(fitTuning(questions, lexicon, options))).toBe(serialiseTuning(fitTuning(questions, lexicon, options)));
  });

  it('learns to rank the covering passage above the other one', () => {
    const tuning = fitTuning(questions, lexicon, { targetFalseRefusal: 0.03, questionsLabel: 'test', note: 'test' });
    expect(tuning.rerank.coverage).toBeGreaterThan(startTuning().rerank.coverage - 1e-9);
    expect(tuning.answerability.threshold).toBeGreaterThanOrEqual(0);
  });

  it('chooses the reranker regularisation from its grid by inner folds and records it', () => {
    const tuning = fitTuning(questions, lexicon, { targetFalseRefusal: 0.03, questionsLabel: 'test', note: 'test' });
    expect(RANK_L2_GRID).toContain(tuning.fit.rankL2);
    expect(chooseRankL2(questions)).toBe(tuning.fit.rankL2);
  });

  it('still refuses what it can when the rules alone refuse more answerable questions than the target', () => {
    // An answerable 多少 question whose passage states no figure is partial at any threshold: 1 of 4 answerable.
    const withRuleRefusal = [
      ...questions.filter((q) => q.answerable),
      question('e', '教师培训经费比例是多少', '教师培训经费要保障', '校舍维修'),
      // Unanswerable questions the rules answer (a look-alike passage holds a figure, or the topic's words).
      question('f', '舞蹈教室面积是多少', '音乐教室面积不小于96平方米', '图书配备', false),
      question('g', '校车怎么安排', '校车安全管理要加强', '图书配备', false),
    ];
    const options = { targetFalseRefusal: 0.03, questionsLabel: 'test', note: 'test' };
    const tuning = fitTuning(withRuleRefusal, lexicon, options);
    const atZero = decisionRates(withRuleRefusal, { ...tuning, answerability: { ...tuning.answerability, threshold: 0 } }, lexicon);
    const fitted = decisionRates(withRuleRefusal, tuning, lexicon);
    expect(atZero.falseRefusal).toBeGreaterThan(options.targetFalseRefusal);
    expect(fitted.falseRefusal).toBe(atZero.falseRefusal);
    expect(atZero.refusal).toBeLessThan(1);
    expect(fitted.refusal).toBe(1);
  });

  it('assigns folds by question id, independent of order', () => {
    expect(foldOf('t001', 5)).toBe(foldOf('t001', 5));
    const folds = new Set(Array.from({ length: 50 }, (_, i) => foldOf(`t${i}`, 5)));
    expect(folds.size).toBe(5);
  });
});

describe('corpus/lexicon/tuning.json', () => {
  it('is exactly what npm run fit produces from ../shared/eval/train.jsonl over the seeds and corpus/ as shipped', async () => {
    // The shipped corpus/ holds the restatement only; documents a user adds there must not break this test.
    const shippedCorpus = standardsCorpus();
    fs.copyFileSync(path.resolve('corpus/sources.yaml'), path.join(shippedCorpus, 'sources.yaml'));
    const train = readQuestions(`${sharedDir}/eval/train.jsonl`);
    const shipped = JSON.parse(fs.readFileSync(DEFAULT_TUNING_FILE, 'utf8')) as { fit: { note: string; questions: string; targetFalseRefusal: number } };
    const refit = await withEvalIndex(
      [`${sharedDir}/seeds`, shippedCorpus],
      async (pipeline) => {
        const prepared = await prepareQuestions(pipeline, train);
        return fitTuning(
          prepared.map((p) => ({ id: p.q.id, answerable: p.q.answerable, prepared: p.prepared, hits: p.hits })),
          pipeline.lexicon,
          { targetFalseRefusal: shipped.fit.targetFalseRefusal, questionsLabel: shipped.fit.questions, note: shipped.fit.note },
        );
      },
      { tuning: startTuning() },
    );
    fs.rmSync(shippedCorpus, { recursive: true, force: true });
    expect(serialiseTuning(refit)).toBe(fs.readFileSync(DEFAULT_TUNING_FILE, 'utf8'));
  }, 180_000);
});
