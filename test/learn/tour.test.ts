import fs from 'node:fs';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChatEngine } from '../../src/chat/engine.js';
import { LiveKnowledge } from '../../src/chat/knowledge.js';
import type { Reply } from '../../src/chat/types.js';
import { loadChecklists } from '../../src/checklist/load.js';
import { weightedCV } from '../../src/checklist/rules.js';
import type { Checklist, NumericIndicator } from '../../src/checklist/types.js';
import { runIngest } from '../../src/ingest/pipeline.js';
import { LocalHashEmbeddings } from '../../src/index/embedder.js';
import { LEARN, LearnDialogue, TourStore, type Asked } from '../../src/learn/dialogue.js';
import { buildQuiz } from '../../src/learn/quiz.js';
import { CV_EXAMPLE, cvExample, TOUR, vetoItems } from '../../src/learn/tour.js';
import { openStateDb } from '../../src/state/db.js';
import { repoRoot, tempDir, standardsCorpus } from '../ingest/pipelineFixture.js';

const work = tempDir('learn');
const corpus = standardsCorpus();
const indexDir = path.join(work, 'index');
const stateFile = path.join(work, 'state.db');
const embedder = new LocalHashEmbeddings();
const knowledge = new LiveKnowledge(indexDir, embedder);
const realChecklists = loadChecklists(path.join(repoRoot, 'corpus/checklists'));
const dbs: ReturnType<typeof openStateDb>[] = [];

function engineWith(checklists: readonly Checklist[]): ChatEngine {
  const db = openStateDb(stateFile);
  dbs.push(db);
  return new ChatEngine(() => knowledge.get(), undefined, new LearnDialogue(() => checklists, new TourStore(db)));
}

beforeAll(async () => {
  await runIngest({ dirs: [corpus], indexDir, embedder, maxFileBytes: 1e8 });
});
afterAll(() => {
  for (const db of dbs) db.close();
  knowledge.close();
  for (const d of [work, corpus]) fs.rmSync(d, { recursive: true, force: true });
});

const buttons = (r: Reply[]) => r.flatMap((x) => x.buttons?.flat() ?? []);
const numbers = (text: string) =>
  (text.normalize('NFKC')
    .replace(/（\d+\/\d+）|\[\d+\]|测验（\d+\/\d+）/gu, ' ')
    .match(/\d+(?:\.\d+)?/gu) ?? []).map(Number);

/** Walks the whole tour (with every example) and the quiz, answering each quiz question with its first choice. */
async function walk(engine: ChatEngine, user: string) {
  const shown: string[] = [];
  const passages: string[] = [];
  let replies = await engine.handle(user, { kind: 'text', text: '/learn' });
  for (let guard = 0; guard < 40; guard++) {
    shown.push(...replies.map((r) => r.text));
    for (const b of buttons(replies).filter((b) => b.action.startsWith('show:'))) {
      passages.push((await engine.handle(user, { kind: 'action', action: b.action }))[0]!.text);
    }
    const example = buttons(replies).find((b) => b.action === LEARN.example);
    if (example) {
      const ex = await engine.handle(user, { kind: 'action', action: example.action });
      shown.push(...ex.map((r) => r.text));
      for (const b of buttons(ex).filter((b) => b.action.startsWith('show:'))) {
        passages.push((await engine.handle(user, { kind: 'action', action: b.action }))[0]!.text);
      }
    }
    const next = buttons(replies).find((b) => b.action === LEARN.next || b.action.startsWith('learn:quiz:'));
    if (!next) break;
    replies = await engine.handle(user, { kind: 'action', action: next.action });
  }
  return { shown, passages };
}

/** Numbers a reader of the data could derive exactly as the tour and quiz describe them. */
function derived(c: Checklist): number[] {
  const rule = c.schoolRule!;
  const out: number[] = [rule.floorRatio * 100, rule.indicatorIds.length, rule.minMet, rule.minMet - 1];
  const sport = c.indicators.find((i): i is NumericIndicator => i.id === 'sport' && i.kind === 'numeric')!;
  const t = sport.thresholds.primary!;
  out.push(t * rule.floorRatio);
  for (const share of [rule.floorRatio + 0.02, rule.floorRatio - 0.05]) {
    const v = Math.round(t * share * 10) / 10;
    out.push(v, Number(((v / t) * 100).toFixed(2)));
  }
  out.push(95, c.balanceRule!.limits.primary! - 0.02);
  const equip = c.indicators.find((i): i is NumericIndicator => i.id === 'equip' && i.kind === 'numeric')!;
  out.push(equip.thresholds.junior! * 1.5);
  const { mean, cv } = cvExample();
  out.push(mean, Number(cv.toFixed(4)));
  return out;
}

describe('the guided tour', () => {
  it('walks every step and the quiz, and every number it shows stands in the checklist data, a cited passage, or follows from them', async () => {
    const engine = engineWith(realChecklists);
    const { shown, passages } = await walk(engine, 'newcomer');
    const all = shown.join('\n');
    for (const step of TOUR) expect(all).toContain(step.title);
    expect(all).toMatch(/测验完成：5 题答对 \d 题/u);
    const allowed = new Set<number>([
      ...numbers(JSON.stringify(realChecklists)),
      ...passages.flatMap(numbers),
      ...derived(realChecklists.find((c) => c.id === 'youzhi-2017-resource')!),
    ].map((n) => Number(n.toFixed(4))));
    for (const text of shown) for (const n of numbers(text)) expect(allowed.has(Number(n.toFixed(4))), `${n} in: ${text.slice(0, 80)}`).toBe(true);
    // Each step that states facts cites where they come from.
    expect(all.match(/\[1\] 《县域义务教育均衡发展国家督导评估标准整理稿/gu)!.length).toBeGreaterThanOrEqual(4);
    expect(all).toContain('未核实');
  });

  it('follows the checklist data: a changed threshold changes the tour and the quiz', async () => {
    const copy = path.join(work, 'checklists-copy');
    fs.cpSync(path.join(repoRoot, 'corpus/checklists'), copy, { recursive: true });
    const file = path.join(copy, 'youzhi-2017-resource.yaml');
    const data = parse(fs.readFileSync(file, 'utf8')) as { indicators: { id: string; thresholds: Record<string, number> }[] };
    data.indicators.find((i) => i.id === 'sport')!.thresholds.primary = 8;
    fs.writeFileSync(file, stringify(data));
    const changed = loadChecklists(copy);
    const { shown } = await walk(engineWith(changed), 'newcomer-2');
    const all = shown.join('\n');
    expect(all).toMatch(/生均体育运动场馆面积：小学 ≥ 8，/u);
    // 8 × 0.87 = 6.96 → 7.0, 87.5 % of the new standard.
    expect(all).toContain('一所小学生均体育运动场馆面积 7 平方米');
    expect(all).not.toContain('一所小学生均体育运动场馆面积 6.5 平方米');
    const quiz = buildQuiz(changed.find((c) => c.id === 'youzhi-2017-resource')!);
    expect(quiz[0]!.explain).toContain('标准 8 的');
  });

  it('computes the worked 差异系数 example with the checklist code, and it agrees with the cited passage', async () => {
    const { cv, mean } = cvExample();
    expect(cv).toBe(weightedCV(CV_EXAMPLE.map((x) => ({ value: x.value, students: x.students }))));
    expect(mean).toBe(2070);
    expect(cv).toBeCloseTo(0.2575, 4);
    const engine = engineWith(realChecklists);
    await engine.handle('cv-reader', { kind: 'text', text: '/learn' });
    for (let i = 0; i < TOUR.findIndex((s) => s.id === 'cv'); i++) await engine.handle('cv-reader', { kind: 'action', action: LEARN.next });
    const [example] = await engine.handle('cv-reader', { kind: 'action', action: LEARN.example });
    expect(example!.text).toContain(`差异系数 CV ≈ ${cv.toFixed(4)}`);
    const passage = knowledge.get().section('（二）算例')!;
    expect(passage.text).toContain('X̄=2070');
    expect(passage.text).toContain(cv.toFixed(4));
  });

  it('answers a question at any step with 我有问题 and then continues where the user left', async () => {
    const engine = engineWith(realChecklists);
    await engine.handle('asker', { kind: 'text', text: '/learn' });
    await engine.handle('asker', { kind: 'action', action: LEARN.next });
    expect((await engine.handle('asker', { kind: 'action', action: LEARN.ask }))[0]!.text).toContain('县里怎么申报');
    const replies = await engine.handle('asker', { kind: 'text', text: '刚通过基本均衡两年的县能申报优质均衡吗？' });
    expect(replies[0]!.text).toContain('根据文件原文');
    const resume = buttons(replies).find((b) => b.action === LEARN.resume)!;
    expect((await engine.handle('asker', { kind: 'action', action: resume.action }))[0]!.text).toContain('了解评估（2/7）县里怎么申报');
  });

  it('asks with the step’s topic first, and bare when that is not_found, judged by its status, not its wording', async () => {
    const db = openStateDb(path.join(work, 'ask-stub.db'));
    dbs.push(db);
    const learn = new LearnDialogue(() => realChecklists, new TourStore(db));
    const none = () => undefined;
    learn.start('stub', none);
    learn.onAction('stub', LEARN.ask, none);
    const asked: string[] = [];
    const replies = await learn.onQuestion('stub', '那县里呢？', async (q): Promise<Asked> => {
      asked.push(q);
      return asked.length === 1 ? { reply: { text: '没有' }, status: 'not_found' } : { reply: { text: '有' }, status: 'answered' };
    });
    expect(asked).toEqual([`${TOUR[0]!.topic} 那县里呢？`, '那县里呢？']);
    expect(replies[0]!.text).toBe('有');
    expect(buttons(replies).map((b) => b.action)).toContain(LEARN.resume);

    learn.onAction('stub', LEARN.ask, none);
    const again: string[] = [];
    await learn.onQuestion('stub', '那县里呢？', async (q): Promise<Asked> => {
      again.push(q);
      return { reply: { text: '文件里没有找到（这只是措辞）' }, status: 'answered' };
    });
    expect(again).toEqual([`${TOUR[0]!.topic} 那县里呢？`]);
  });

  it('keeps the step across a restart', async () => {
    await engineWith(realChecklists).handle('restarter', { kind: 'text', text: '/learn' });
    await engineWith(realChecklists).handle('restarter', { kind: 'action', action: LEARN.next });
    await engineWith(realChecklists).handle('restarter', { kind: 'action', action: LEARN.next });
    const [again] = await engineWith(realChecklists).handle('restarter', { kind: 'action', action: LEARN.resume });
    expect(again!.text).toContain('了解评估（3/7）');
  });
});

/** A tour page as the user sees it at step `id` (after pressing 下一步 from /learn). */
async function stepPage(engine: ChatEngine, user: string, id: string): Promise<Reply[]> {
  let replies = await engine.handle(user, { kind: 'text', text: '/learn' });
  for (let i = 0; i < TOUR.findIndex((s) => s.id === id); i++) replies = await engine.handle(user, { kind: 'action', action: LEARN.next });
  return replies;
}

/** A copy of the checklists with one YAML file changed. */
function changedChecklists(name: string, file: string, change: (data: Record<string, unknown>) => void): Checklist[] {
  const copy = path.join(work, name);
  fs.cpSync(path.join(repoRoot, 'corpus/checklists'), copy, { recursive: true });
  const target = path.join(copy, file);
  const data = parse(fs.readFileSync(target, 'utf8')) as Record<string, unknown>;
  change(data);
  fs.writeFileSync(target, stringify(data));
  return loadChecklists(copy);
}

describe('the tour reads right', () => {
  it('offers to continue an unfinished tour on /learn and on the 了解评估 button after a restart; 重新开始 is a choice', async () => {
    const before = engineWith(realChecklists);
    await before.handle('comeback', { kind: 'text', text: '/learn' });
    await before.handle('comeback', { kind: 'action', action: LEARN.next });
    await before.handle('comeback', { kind: 'action', action: LEARN.next });

    const after = engineWith(realChecklists);
    for (const input of [{ kind: 'text', text: '/learn' }, { kind: 'action', action: LEARN.start }] as const) {
      const offer = await after.handle('comeback', input);
      expect(offer[0]!.text).toContain('您有一份未完成的了解评估（第 3/7 步）');
      expect(buttons(offer).map((b) => b.label)).toEqual(['继续上次（第 3/7 步）', '重新开始']);
    }
    const [resumed] = await after.handle('comeback', { kind: 'action', action: LEARN.resume });
    expect(resumed!.text).toContain('了解评估（3/7）');
    const [fresh] = await after.handle('comeback', { kind: 'action', action: LEARN.restart });
    expect(fresh!.text).toContain('了解评估（1/7）');
  });

  it('offers to continue the quiz where it was left', async () => {
    const engine = engineWith(realChecklists);
    await stepPage(engine, 'quizzer', TOUR.at(-1)!.id);
    const [, first] = await engine.handle('quizzer', { kind: 'action', action: LEARN.next });
    await engine.handle('quizzer', { kind: 'action', action: buttons([first!])[0]!.action });
    const offer = await engineWith(realChecklists).handle('quizzer', { kind: 'text', text: '/learn' });
    expect(offer[0]!.text).toMatch(/未完成的了解评估（测验第 2\/\d 题）/u);
    const [question] = await engineWith(realChecklists).handle('quizzer', { kind: 'action', action: LEARN.resume });
    expect(question!.text).toMatch(/^测验（2\/\d）/u);
  });

  it('step 1 says how 基本均衡 and 优质均衡 differ, from the checklist rules (a changed rule changes it)', async () => {
    const [page] = await stepPage(engineWith(realChecklists), 'levels', 'two-levels');
    const jiben = realChecklists.find((c) => c.id === 'jiben-2012')!.balanceRule!;
    const resource = realChecklists.find((c) => c.id === 'youzhi-2017-resource')!;
    expect(page!.text).toContain('两者的区别');
    expect(page!.text).toContain(`${jiben.indicatorIds.length} 项指标各算差异系数，再取平均（综合差异系数），小学 < ${jiben.limits.primary}，初中 < ${jiben.limits.junior}`);
    expect(page!.text).toContain(`${resource.schoolRule!.indicatorIds.length} 项资源配置指标逐校判定，至少 ${resource.schoolRule!.minMet} 项达标`);
    expect(page!.text).toContain(`小学 ≤ ${resource.balanceRule!.limits.primary}，初中 ≤ ${resource.balanceRule!.limits.junior}`);

    const changed = changedChecklists('levels-copy', 'jiben-2012.yaml', (d) => {
      (d.balanceRule as { limits: Record<string, number> }).limits.primary = 0.6;
    });
    const [again] = await stepPage(engineWith(changed), 'levels-2', 'two-levels');
    expect(again!.text).toContain('小学 < 0.6，');
  });

  it('step 5 quotes the whole formula: X̄ and S said, ending with CV = S / X̄', async () => {
    const [page] = await stepPage(engineWith(realChecklists), 'formula', 'cv');
    expect(page!.text).toMatch(/全县平均值X̄ = [^”]*加权标准差S = [^”]*差异系数CV = S \/ X̄。”\[1\]/u);
  });

  it('offers 举个例子 on every step that has an example (steps 1, 4, 5, 6, 7, as the README says)', async () => {
    expect(TOUR.filter((s) => s.example).map((s) => s.id)).toEqual(['two-levels', 'school-rule', 'cv', 'veto', 'prepare']);
    const engine = engineWith(realChecklists);
    let replies = await engine.handle('examples', { kind: 'text', text: '/learn' });
    for (const step of TOUR) {
      const example = buttons(replies).find((b) => b.action === LEARN.example);
      expect(example !== undefined, step.id).toBe(step.example !== undefined);
      if (example) {
        const [shown] = await engine.handle('examples', { kind: 'action', action: LEARN.example });
        expect(shown!.text, step.id).toMatch(/^举个例子|^用资料里的算例/u);
        expect(shown!.text).not.toContain('没有加载');
      }
      replies = await engine.handle('examples', { kind: 'action', action: LEARN.next });
    }
  });

  it('step 1’s example judges the worked 算例 schools by both rules with the checklist code', async () => {
    const engine = engineWith(realChecklists);
    await stepPage(engine, 'example-1', 'two-levels');
    const [example] = await engine.handle('example-1', { kind: 'action', action: LEARN.example });
    expect(example!.text).toContain(`差异系数 ${cvExample().cv.toFixed(4)} ≤ 0.5`);
    // 乙校 1500 and 丙校 1200 are under 2000 × 85 % = 1700, as the 算例 passage says.
    expect(example!.text).toContain('乙校 1500、丙校 1200 元/生低于底线');
    expect(example!.text).not.toContain('甲校 2500');
  });

  it('我有问题 on the indicators step answers “85%是什么意思” about that step’s 85 % rule, not 社会认可度', async () => {
    const engine = engineWith(realChecklists);
    await stepPage(engine, 'eighty-five', 'school-rule');
    await engine.handle('eighty-five', { kind: 'action', action: LEARN.ask });
    const [answer] = await engine.handle('eighty-five', { kind: 'text', text: '85%是什么意思' });
    expect(answer!.text).toContain('至少6项达标');
    expect(answer!.text).not.toContain('社会认可度');
  });

  it('step 6 lists exactly the 一票否决 items the county checklist marks, 社会认可度 included (a changed mark changes it)', async () => {
    const [page] = await stepPage(engineWith(realChecklists), 'veto', 'veto');
    const listed = page!.text.split('自查清单里的一票否决项：\n')[1]!.split('\n').filter((l) => l.startsWith('· ')).map((l) => l.slice(2).replace(/（未核实）$/u, ''));
    const marked = vetoItems(realChecklists).map((i) => i.name);
    expect(listed).toEqual(marked);
    expect(marked).toContain('社会认可度');
    expect(marked).toContain('没有设重点班');

    const changed = changedChecklists('veto-copy', 'youzhi-2017-county.yaml', (d) => {
      const items = d.indicators as { id: string; veto?: boolean }[];
      delete items.find((i) => i.id === 'rec01_recognition')!.veto;
    });
    const [again] = await stepPage(engineWith(changed), 'veto-2', 'veto');
    expect(again!.text.split('自查清单里的一票否决项：')[1]).not.toContain('社会认可度');
  });

  it('step 7 speaks of the county’s table of all its schools (全县), not 全校', async () => {
    const [page] = await stepPage(engineWith(realChecklists), 'prepare', 'prepare');
    expect(page!.text).toContain('全县学校数据表');
    expect(page!.text).not.toContain('全校数据表');
  });
});
