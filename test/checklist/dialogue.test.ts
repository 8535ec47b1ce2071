import fs from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChatEngine } from '../../src/chat/engine.js';
import { LiveKnowledge } from '../../src/chat/knowledge.js';
import type { Reply } from '../../src/chat/types.js';
import { ChecklistDialogue, CL } from '../../src/checklist/dialogue.js';
import { loadChecklists } from '../../src/checklist/load.js';
import { reportWorkbook } from '../../src/checklist/reportFile.js';
import { ChecklistRunStore } from '../../src/checklist/run.js';
import { runIngest } from '../../src/ingest/pipeline.js';
import { LocalHashEmbeddings } from '../../src/index/embedder.js';
import { openStateDb } from '../../src/state/db.js';
import { repoRoot, tempDir, standardsCorpus } from '../ingest/pipelineFixture.js';

const work = tempDir('dialogue');
const corpus = standardsCorpus();
const indexDir = path.join(work, 'index');
const stateFile = path.join(work, 'state.db');
const embedder = new LocalHashEmbeddings();
const knowledge = new LiveKnowledge(indexDir, embedder);
const checklists = loadChecklists(path.join(repoRoot, 'corpus/checklists'));
const noCounty = async (): Promise<Reply[]> => [{ text: '（本测试不评估数据表）' }];

/** A fresh engine over the same database file, as after a process restart. */
function startEngine() {
  const db = openStateDb(stateFile);
  const dialogue = new ChecklistDialogue(checklists, new ChecklistRunStore(db), noCounty);
  const engine = new ChatEngine(() => knowledge.get(), { dialogue, reportFile: (r) => reportWorkbook(r) });
  return { engine, db };
}

let app = { engine: undefined as unknown as ChatEngine, db: undefined as unknown as ReturnType<typeof openStateDb> };
beforeAll(async () => {
  await runIngest({ dirs: [corpus], indexDir, embedder, maxFileBytes: 1e8 });
  app = startEngine();
});
afterAll(() => {
  app.db.close();
  knowledge.close();
  for (const d of [work, corpus]) fs.rmSync(d, { recursive: true, force: true });
});

const say = (user: string, text: string) => app.engine.handle(user, { kind: 'text', text });
const press = (user: string, action: string) => app.engine.handle(user, { kind: 'action', action });
const all = (r: Reply[]) => r.map((x) => x.text).join('\n');
const labels = (r: Reply[]) => r.flatMap((x) => x.buttons?.flat() ?? []).map((b) => b.label);

/** 青禾县城关第二小学 from the shared county table: fails 用房 (93 %) and 场馆 (80 %) → rule not met. */
const CHENGGUAN = ['2360人', '一百一十八', '30', '２４', '9912平方米', '14160㎡', '519.2万元', '58间'];

async function beginSchool(user: string, stage: 'primary' | 'junior' = 'primary'): Promise<Reply[]> {
  await say(user, '/checklist');
  await press(user, CL.school);
  return press(user, CL.stage(stage));
}

describe('school self-check through the chat engine', () => {
  it('walks from /checklist to a report: a verdict with the cited rule after each indicator, gaps in the school’s terms, a report file', async () => {
    const first = await beginSchool('alice');
    expect(all(first)).toMatch(/（1\/8）请输入在校学生数（单位：人）/u);
    expect(labels(first)).toEqual(expect.arrayContaining(['跳过', '不清楚']));
    // The first item says once what the two buttons do; the next ones do not repeat it.
    expect(all(first)).toContain('一时查不到的数点“跳过”');
    expect(all(first)).toContain('数拿不准点“不清楚”');

    const afterStudents = await say('alice', CHENGGUAN[0]!);
    expect(all(afterStudents)).toContain('（2/8）');
    expect(all(afterStudents)).not.toContain('一时查不到的数点“跳过”');
    const afterHighEdu = await say('alice', CHENGGUAN[1]!);
    expect(all(afterHighEdu)).toMatch(/✅ 达标　每百名学生拥有高于规定学历教师数：5 人\/百生，标准（小学） ≥ 4\.2/u);
    expect(all(afterHighEdu)).toContain('依据：《县域义务教育优质均衡发展督导评估办法》（教督〔2017〕6号）第六条第（一）项');

    let text = '';
    for (const answer of CHENGGUAN.slice(2)) text += `${all(await say('alice', answer))}\n`;
    expect(text).toMatch(/❌ 未达标　生均体育运动场馆面积：6 平方米\/生，标准（小学） ≥ 7\.5/u);
    expect(text).toContain('生均体育运动场馆面积 6 平方米/生，标准 7.5，还差 1.5 平方米/生，约 3540 平方米');
    expect(text).toMatch(/【自查报告】/u);
    expect(text).toMatch(/结论：未达到要求：7 项中 5 项达标（至少要 6 项）；“生均体育运动场馆面积”低于标准的 85%/u);

    const [file] = await press('alice', CL.reportFile);
    expect(file!.document!.fileName).toMatch(/^均衡自查报告-.*优质均衡学校资源配置-小学-\d{4}-\d{2}-\d{2}\.xlsx$/u);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(file!.document!.bytes as unknown as Parameters<typeof wb.xlsx.load>[0]);
    const rows = wb.worksheets[0]!.getSheetValues().filter(Boolean) as unknown[][];
    expect(rows.some((r) => r.includes('生均体育运动场馆面积') && r.includes('未达标'))).toBe(true);
    expect(all(await say('alice', '/report'))).toMatch(/【自查报告】/u);
  });

  it('explains nonsense in Chinese and asks the same question again; asks to confirm 约300', async () => {
    await beginSchool('bob');
    expect(all(await say('bob', '-5'))).toMatch(/不能是负数。请重新输入。[\s\S]*（1\/8）/u);
    expect(all(await say('bob', '很多'))).toMatch(/不是一个数字[\s\S]*（1\/8）/u);
    const approx = await say('bob', '约300');
    expect(all(approx)).toContain('大约 300 人');
    expect(labels(approx)).toEqual(['按 300 计算', '重新输入']);
    // 上一步 typed at the confirmation goes back to the question, with its buttons.
    const backFromConfirm = await say('bob', '上一步');
    expect(all(backFromConfirm)).toMatch(/请输入准确的数字[\s\S]*（1\/8）/u);
    expect(labels(backFromConfirm)).toContain('跳过');
    await say('bob', '约300');
    expect(all(await press('bob', CL.confirmYes))).toContain('（2/8）');
    expect(all(await say('bob', '500'))).toMatch(/比在校学生数（300 人）还多[\s\S]*（2\/8）/u);
    // Going back shows what was entered before, so the correction starts from it.
    expect(all(await press('bob', CL.back))).toMatch(/上次填的是 300 人（估计值）[\s\S]*（1\/8）/u);
    expect(all(await say('bob', '320'))).toContain('（2/8）');
    expect(all(await press('bob', CL.skip))).toContain('（3/8）');
    expect(all(await press('bob', CL.back))).toMatch(/这一项上次跳过了。[\s\S]*（2\/8）/u);
    // The student count is every item's divisor: skipping it says what it costs.
    expect(all(await press('bob', CL.back))).toMatch(/上次填的是 320 人[\s\S]*（1\/8）/u);
    expect(all(await press('bob', CL.skip))).toMatch(/在校学生数要用来计算 7 项指标，不填的话这 7 项都无法判定[\s\S]*（2\/8）/u);
  });

  it('answers the standard question from the restatement, citing it and quoting its source', async () => {
    const [reply] = await say('frank', '小学每百名学生拥有县级以上骨干教师数要达到多少？');
    expect(reply!.text).toMatch(/“[^\n]*不少于1人[^\n]*出处：优质均衡办法（教督〔2017〕6号）第六条第（二）项[^\n]*”\[1\]/u);
    expect(reply!.text).toMatch(/\[1\] 《县域义务教育均衡发展国家督导评估标准整理稿/u);
  });

  it('answers a policy question typed mid-checklist, then shows the item again with its buttons and keeps the place', async () => {
    await beginSchool('carol');
    const replies = await say('carol', '小学每百名学生拥有县级以上骨干教师数要达到多少？');
    expect(all(replies)).toMatch(/根据文件原文/u);
    expect(replies.at(-2)!.text).toMatch(/^（自查还在进行，接着回答这一项即可/u);
    expect(replies.at(-1)!.text).toMatch(/（1\/8）请输入在校学生数/u);
    expect(labels([replies.at(-1)!])).toEqual(expect.arrayContaining(['跳过', '不清楚']));
    expect(all(await say('carol', '1000'))).toContain('（2/8）');
    // Asked while a 约… figure waits for its confirmation: the confirmation stays pending, nothing typed is lost.
    await say('carol', '约25');
    const pending = await say('carol', '骨干教师怎么算？');
    expect(pending.at(-1)!.text).toMatch(/^（自查还在进行/u);
    expect(all(await press('carol', CL.confirmYes))).toContain('（3/8）');
  });

  it('shows the stage choice again after a question asked at it', async () => {
    await say('olga', '/checklist');
    await press('olga', CL.school);
    await press('olga', CL.skip);
    const replies = await say('olga', '班额要求是多少？');
    expect(labels([replies.at(-1)!])).toEqual(['小学', '初中']);
  });

  it('takes a question typed at the school-name step for a question, not for the name', async () => {
    await say('nina', '/checklist');
    await press('nina', CL.school);
    const replies = await say('nina', '音乐教室要多大');
    expect(all(replies)).not.toContain('已记下名称');
    expect(all(replies)).toContain('96平方米');
    expect(replies.at(-1)!.text).toContain('学校名称（可跳过）');
    expect(all(await say('nina', '城关小学'))).toContain('已记下名称：城关小学');
  });

  it('continues at exactly the same question after a restart (new engine, same database file)', async () => {
    await beginSchool('dave', 'junior');
    await say('dave', '2100');
    await say('dave', '126');
    await say('dave', '35');
    app.db.close();
    app = startEngine();
    expect(all(await say('dave', '/report'))).toMatch(/还有 5 项没填/u);
    const next = await say('dave', '21');
    expect(all(next)).toContain('（5/8）');
    expect(all(next)).toContain('每百名学生拥有体育、艺术');
  });

  it('offers to continue an unfinished run on /checklist after a restart; starting over is the user’s choice', async () => {
    await beginSchool('erin', 'junior');
    await say('erin', '2100');
    await say('erin', '126');
    app.db.close();
    app = startEngine();
    const offer = await say('erin', '/checklist');
    expect(all(offer)).toContain('您有一份未完成的自查（第 3/8 项）');
    expect(labels(offer)).toEqual(['继续上次（第 3/8 项）', '重新开始']);
    const resumed = await press('erin', CL.resume);
    expect(all(resumed)).toContain('（3/8）');
    expect(all(await say('erin', '35'))).toContain('（4/8）');
    // Nothing was thrown away by asking; only 重新开始 starts over.
    await say('erin', '/checklist');
    expect(labels(await press('erin', CL.restart))).toEqual(['学校自查', '县域评估']);
    expect(all(await say('erin', '/report'))).toMatch(/还有 8 项没填|还没有开始/u);
  });

  it('county mode: waits for the table, assesses it (again when resent), then stops reminding', async () => {
    await say('gina', '/checklist');
    await press('gina', CL.county);
    const waiting = await say('gina', '小学每百名学生拥有县级以上骨干教师数要达到多少？');
    expect(waiting.at(-1)!.text).toMatch(/等您发送学校数据表/u);
    const table = { kind: 'file' as const, fileName: 'schools.csv', bytes: Buffer.from('学校名称,学段\n') };
    expect(all(await app.engine.handle('gina', table))).toContain('本测试不评估数据表');
    const after = await say('gina', '小学每百名学生拥有县级以上骨干教师数要达到多少？');
    expect(after).toHaveLength(1);
    expect(all(await say('gina', '/report'))).toContain('县域评估的结果已经发在上面了');
    expect(all(await app.engine.handle('gina', table))).toContain('本测试不评估数据表');
  });

  it('starts over on /reset', async () => {
    await beginSchool('erin');
    expect(all(await say('erin', '/reset'))).toContain('已清除自查进度');
    expect(all(await say('erin', '/report'))).toContain('还没有开始自查');
  });

  it('asks before /reset drops figures already entered; 继续自查 keeps them', async () => {
    await beginSchool('fay');
    await say('fay', '720');
    const asked = await say('fay', '/reset');
    expect(all(asked)).toMatch(/确定要清除这次自查吗？已填的 1 项/u);
    expect(labels(asked)).toEqual(['确定清除', '继续自查']);
    expect(all(await press('fay', CL.resume))).toContain('（2/8）');
    await say('fay', '/reset');
    expect(all(await press('fay', CL.resetConfirm))).toContain('已清除自查进度');
    expect(all(await say('fay', '/report'))).toContain('还没有开始自查');
  });

  it('keeps 50 users interleaved apart', async () => {
    const users = Array.from({ length: 50 }, (_, i) => `user-${i}`);
    await Promise.all(users.map((u) => beginSchool(u)));
    // Each user has a different school size; the other figures are those of 青禾县城关第二小学.
    const answers = (i: number) => [`${1000 + i * 10}`, ...CHENGGUAN.slice(1)];
    const finals = new Map<string, Reply[]>();
    for (let step = 0; step < 8; step++) {
      const round = await Promise.all(users.map((u, i) => say(u, answers(i)[step]!)));
      round.forEach((r, i) => finals.set(users[i]!, r));
    }
    users.forEach((u, i) => {
      const students = 1000 + i * 10;
      const sport = Number((14160 / students).toFixed(2));
      // The final report of each user carries that user's own school size.
      expect(all(finals.get(u)!)).toContain(`生均体育运动场馆面积：${sport} / 7.5 平方米/生`);
    });
  });
});
