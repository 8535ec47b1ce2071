import fs from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChatEngine } from '../../src/chat/engine.js';
import { LiveKnowledge } from '../../src/chat/knowledge.js';
import type { ChatInput, Reply } from '../../src/chat/types.js';
import { ChecklistDialogue, CL } from '../../src/checklist/dialogue.js';
import { loadChecklists } from '../../src/checklist/load.js';
import { reportWorkbook } from '../../src/checklist/reportFile.js';
import { ChecklistRunStore } from '../../src/checklist/run.js';
import { runIngest } from '../../src/ingest/pipeline.js';
import { LocalHashEmbeddings } from '../../src/index/embedder.js';
import { LEARN, LearnDialogue, TourStore } from '../../src/learn/dialogue.js';
import { openStateDb } from '../../src/state/db.js';
import { repoRoot, standardsCorpus, tempDir } from '../ingest/pipelineFixture.js';

const work = tempDir('resume');
const corpus = standardsCorpus();
const indexDir = path.join(work, 'index');
const embedder = new LocalHashEmbeddings();
const knowledge = new LiveKnowledge(indexDir, embedder);
const checklists = loadChecklists(path.join(repoRoot, 'corpus/checklists'));
const noCounty = async (): Promise<Reply[]> => [{ text: '（本测试不评估数据表）' }];

/** One process: an engine (checklist and tour) over a state file, closed like a process that exits. */
interface Process {
  engine: ChatEngine;
  stop(): void;
}

function boot(stateFile: string): Process {
  const db = openStateDb(stateFile);
  const dialogue = new ChecklistDialogue(checklists, new ChecklistRunStore(db), noCounty);
  const learn = new LearnDialogue(() => checklists, new TourStore(db));
  const engine = new ChatEngine(() => knowledge.get(), { dialogue, reportFile: (r) => reportWorkbook(r) }, learn);
  return { engine, stop: () => db.close() };
}

const stateFile = (name: string) => path.join(work, `${name}.db`);
const text = (t: string): ChatInput => ({ kind: 'text', text: t });
const action = (a: string): ChatInput => ({ kind: 'action', action: a });
const all = (r: Reply[]) => r.map((x) => x.text).join('\n');
const buttons = (r: Reply[]) => r.flatMap((x) => x.buttons?.flat() ?? []);
const labels = (r: Reply[]) => buttons(r).map((b) => b.label);
/** Report texts carry the date they were made; two runs a minute apart are still the same report. */
const undated = (s: string) => s.replace(/\d{4}[-年/]\d{1,2}[-月/]\d{1,2}日?(?:\s*\d{1,2}:\d{2}(?::\d{2})?)?/gu, '〈日期〉');

/**
 * 青禾县城关第二小学 from the shared county table, typed the way people type:
 * an estimate confirmed, a figure corrected with 上一步.
 */
const WHOLE_RUN: ChatInput[] = [
  text('/checklist'),
  action(CL.school),
  text('城关第二小学'),
  action(CL.stage('primary')),
  text('2360人'),
  text('约118'),
  action(CL.confirmYes),
  text('30'),
  text('25'),
  action(CL.back),
  text('２４'),
  text('9912平方米'),
  text('14160㎡'),
  text('519.2万元'),
  text('58间'),
];

async function runThrough(p: Process, user: string, steps: readonly ChatInput[]): Promise<Reply[]> {
  let last: Reply[] = [];
  for (const step of steps) last = await p.engine.handle(user, step);
  return last;
}

beforeAll(async () => {
  await runIngest({ dirs: [corpus], indexDir, embedder, maxFileBytes: 1e8 });
});
afterAll(() => {
  knowledge.close();
  for (const d of [work, corpus]) fs.rmSync(d, { recursive: true, force: true });
});

describe('resuming after a restart', () => {
  it('a whole run with a restart between every pair of steps ends in the same report as an uninterrupted run', async () => {
    const steady = boot(stateFile('steady'));
    const expected = await runThrough(steady, 'steady', WHOLE_RUN);
    const expectedReport = undated(all(await steady.engine.handle('steady', text('/report'))));
    steady.stop();
    expect(all(expected)).toContain('【自查报告】');

    let last: Reply[] = [];
    for (const step of WHOLE_RUN) {
      const p = boot(stateFile('restarted'));
      last = await p.engine.handle('restarted', step);
      p.stop();
    }
    expect(undated(all(last))).toBe(undated(all(expected)));
    const p = boot(stateFile('restarted'));
    expect(undated(all(await p.engine.handle('restarted', text('/report'))))).toBe(expectedReport);
    p.stop();
  });

  it('the same when the user comes back through /start and 继续上次 after every restart', async () => {
    // Without the 约 confirmation: 继续上次 asks a pending confirmation's figure afresh.
    const steps = WHOLE_RUN.filter((s) => !(s.kind === 'action' && s.action === CL.confirmYes)).map((s) => (s.kind === 'text' && s.text === '约118' ? text('118') : s));
    const steady = boot(stateFile('steady-2'));
    const expected = await runThrough(steady, 'steady', steps);
    steady.stop();

    let last: Reply[] = [];
    let offers = 0;
    for (const step of steps) {
      const p = boot(stateFile('via-start'));
      const welcome = await p.engine.handle('back', text('/start'));
      const resume = buttons(welcome).find((b) => b.action === CL.resume);
      if (resume) {
        offers++;
        expect(all(welcome)).toMatch(/您有一份未完成的自查/u);
        await p.engine.handle('back', action(resume.action));
      }
      last = await p.engine.handle('back', step);
      p.stop();
    }
    // Offered at every restart once a school was chosen, until the report.
    expect(offers).toBe(steps.length - 2);
    expect(undated(all(last))).toBe(undated(all(expected)));
  });

  it('/checklist and /report after a restart offer to continue at the question; nothing is thrown away', async () => {
    const before = boot(stateFile('offer'));
    await runThrough(before, 'u', WHOLE_RUN.slice(0, 8));
    before.stop();

    const after = boot(stateFile('offer'));
    const offer = await after.engine.handle('u', text('/checklist'));
    expect(all(offer)).toContain('您有一份未完成的自查（第 4/8 项）');
    expect(labels(offer)).toEqual(['继续上次（第 4/8 项）', '重新开始']);
    // Asking again changes nothing: the offer is not a side effect.
    expect(labels(await after.engine.handle('u', text('/checklist')))).toEqual(['继续上次（第 4/8 项）', '重新开始']);
    const report = await after.engine.handle('u', text('/report'));
    expect(all(report)).toContain('您有一份未完成的自查（第 4/8 项）');
    expect(all(report)).toContain('还有 5 项没填');
    expect(labels(report)).toContain('继续上次（第 4/8 项）');
    expect(all(await after.engine.handle('u', action(CL.resume)))).toContain('（4/8）');
    after.stop();
  });

  it('after the offer to continue, a typed figure is not recorded for a question the user has not seen again', async () => {
    const before = boot(stateFile('paused'));
    await runThrough(before, 'p', WHOLE_RUN.slice(0, 8));
    before.stop();

    const after = boot(stateFile('paused'));
    expect(all(await after.engine.handle('p', text('/start')))).toContain('您有一份未完成的自查（第 4/8 项）');
    // An example question in between, then a bare figure: it is held back, with the offer again.
    const answered = await after.engine.handle('p', text('骨干教师要多少'));
    expect(all(answered)).toContain('发送 /checklist 可以接着填');
    // A question with a numeral in it (一次, 1200个) is still a question, answered, not held back as a figure.
    for (const q of ['交流轮岗的老师一次要交流几年才能回原校', '我们初中1200个学生操场要多大']) {
      const replies = await after.engine.handle('p', text(q));
      expect(all(replies)).not.toContain('还没有记下');
      expect(all(replies)).toContain('发送 /checklist 可以接着填');
    }
    const typed = await after.engine.handle('p', text('9'));
    expect(all(typed)).toContain('您输入的“9”还没有记下');
    expect(labels(typed)).toEqual(['继续上次（第 4/8 项）', '重新开始']);
    const resumed = await after.engine.handle('p', action(CL.resume));
    expect(all(resumed)).toContain('（4/8）');
    // Once the question is shown again, figures go in as before.
    expect(all(await after.engine.handle('p', text('25')))).toContain('（5/8）');
    after.stop();

    // Without an offer (a Telegram user who simply types the next figure after a restart), the figure goes in.
    const direct = boot(stateFile('paused'));
    expect(all(await direct.engine.handle('p', text('9912平方米')))).toContain('（6/8）');
    direct.stop();
  });

  it('/start mentions the unfinished checklist and the unfinished tour, each with 继续上次 / 重新开始', async () => {
    const before = boot(stateFile('welcome'));
    expect(buttons(await before.engine.handle('w', text('/start'))).some((b) => b.action === CL.resume || b.action === LEARN.resume)).toBe(false);
    await runThrough(before, 'w', WHOLE_RUN.slice(0, 5));
    expect(buttons(await before.engine.handle('w', text('/start'))).some((b) => b.action === CL.resume)).toBe(true);
    await runThrough(before, 'w', [text('/learn'), action(LEARN.next), action(LEARN.next)]);
    before.stop();

    const after = boot(stateFile('welcome'));
    const welcome = await after.engine.handle('w', text('/start'));
    expect(welcome[0]!.text).toContain('您好');
    expect(all(welcome)).toContain('您有一份未完成的自查（第 2/8 项）');
    expect(all(welcome)).toContain('您有一份未完成的了解评估（第 3/7 步）');
    expect(labels(welcome)).toEqual(expect.arrayContaining(['继续上次（第 2/8 项）', '继续上次（第 3/7 步）', '重新开始']));
    const tourAgain = buttons(welcome).find((b) => b.label === '继续上次（第 3/7 步）')!;
    expect(all(await after.engine.handle('w', action(tourAgain.action)))).toContain('了解评估（3/7）');
    const checklistAgain = buttons(welcome).find((b) => b.label === '继续上次（第 2/8 项）')!;
    expect(all(await after.engine.handle('w', action(checklistAgain.action)))).toContain('（2/8）');
    after.stop();
  });

  it('keeps a finished report when a new run starts; /report shows the newest and lists the older ones by date', async () => {
    const first = boot(stateFile('reports'));
    const done = await runThrough(first, 'r', WHOLE_RUN);
    expect(all(done)).toContain('【自查报告】');
    // A new run begins: the finished one must not disappear.
    await runThrough(first, 'r', [text('/checklist'), action(CL.school), text('实验中学'), action(CL.stage('junior')), text('1680')]);
    const meanwhile = await first.engine.handle('r', text('/report'));
    expect(all(meanwhile)).toContain('您有一份未完成的自查（第 2/8 项）');
    expect(all(meanwhile)).toMatch(/这是您 \d{4}-\d{2}-\d{2} \d{2}:\d{2} 完成的报告。/u);
    expect(all(meanwhile)).toContain('城关第二小学');
    first.stop();

    // Across a restart, the second run is finished with another school's figures (青禾县实验中学).
    const second = boot(stateFile('reports'));
    await runThrough(second, 'r', ['101', '22', '17', '10920', '15120平方米', '470.4万元', '42间'].map(text));
    const reports = await second.engine.handle('r', text('/report'));
    expect(reports[0]!.text).toContain('实验中学');
    expect(all(reports)).not.toContain('城关第二小学');
    expect(all(reports)).toContain('更早的报告（最近 1 份，点一下查看）');
    const older = buttons(reports).find((b) => b.action.startsWith('cl:report:show:'))!;
    expect(older.label).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2} 学校自查 · 小学（未达到要求）$/u);
    const shown = await second.engine.handle('r', action(older.action));
    expect(all(shown)).toContain('城关第二小学');

    // The older report's own Excel file, not the newest one's.
    const fileButton = buttons(shown).find((b) => b.action.startsWith(CL.reportFile))!;
    const [file] = await second.engine.handle('r', action(fileButton.action));
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(file!.document!.bytes as unknown as Parameters<typeof wb.xlsx.load>[0]);
    const sheet = JSON.stringify(wb.worksheets.map((w) => w.getSheetValues()));
    expect(sheet).toContain('城关第二小学');
    expect(sheet).not.toContain('实验中学');

    // /reset clears progress, never the reports.
    expect(all(await second.engine.handle('r', text('/reset')))).toContain('已完成的报告还在');
    expect(all(await second.engine.handle('r', text('/report')))).toContain('实验中学');
    second.stop();
  });
});
