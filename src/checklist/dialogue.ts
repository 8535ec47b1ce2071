import type { Button, Reply } from '../chat/types.js';
import { parseFigure } from './figures.js';
import { richText } from '../present/blocks.js';
import { buildReport, formatNumber, reportBlocks, rowText, type ChecklistReport } from './report.js';
import { newRun, type ChecklistRun, type ChecklistRunStore } from './run.js';
import { STAGE_NAMES, type BooleanIndicator, type Checklist, type InputField, type Stage } from './types.js';

/** One thing the checklist asks: a raw figure, or a yes/no item. */
export type Question = { kind: 'field'; field: InputField } | { kind: 'boolean'; indicator: BooleanIndicator };

export function questionsOf(c: Checklist): Question[] {
  return [
    ...c.fields.map((field): Question => ({ kind: 'field', field })),
    ...c.indicators.filter((i): i is BooleanIndicator => i.kind === 'boolean').map((indicator): Question => ({ kind: 'boolean', indicator })),
  ];
}

const questionKey = (q: Question) => (q.kind === 'field' ? q.field.key : q.indicator.id);

/** Button actions of the checklist, all starting with `cl:`. */
export const CL = {
  school: 'cl:mode:school',
  county: 'cl:mode:county',
  countyItems: 'cl:county:items',
  stage: (s: Stage) => `cl:stage:${s}`,
  skip: 'cl:skip',
  back: 'cl:back',
  unknown: 'cl:unknown',
  yes: 'cl:yes',
  no: 'cl:no',
  confirmYes: 'cl:confirm:yes',
  confirmNo: 'cl:confirm:no',
  reportFile: 'cl:report:file',
  resume: 'cl:resume',
  restart: 'cl:restart',
} as const;

export const SCHOOL_CHECKLIST = 'youzhi-2017-resource';
export const COUNTY_CHECKLIST = 'youzhi-2017-county';

const T = {
  chooseMode: '开始自查。请选择：\n· 学校自查：逐项填写本校数据，对照优质均衡 7 项资源配置指标判定；\n· 县域评估：发送全县学校数据表算差异系数，或逐项填写县级指标。\n随时可以输入 /reset 重新开始，进度会自动保存。',
  chooseStage: '请选择学段。九年一贯制、十二年一贯制学校请按小学部、初中部分别自查。',
  upload: '请发送全县学校数据表（CSV 或 Excel）。第一行是表头，至少包含：学校名称、学段、在校学生数、高于规定学历教师数、县级以上骨干教师数、体育艺术专任教师数、教学及辅助用房面积(平方米)、体育运动场馆面积(平方米)、教学仪器设备值(万元)、网络多媒体教室数(间)。\n在终端里可以直接输入文件路径。',
  useButtons: '请点下面的按钮选择。',
  noRun: '还没有开始自查。发送 /checklist 开始。',
  unfinished: (where: string) => `您有一次没做完的自查${where}，已填的内容都保存着。接着填，还是重新开始？`,
  reset: '已清除自查进度。发送 /checklist 可以重新开始。',
  notDone: (n: number) => `自查还没完成，还有 ${n} 项没填。填完后会生成报告；发送 /reset 可以重新开始。`,
  unknownChecklist: '自查清单没有加载成功，请联系管理员检查 corpus/checklists。',
  countyReportSent: '县域评估的结果已经发在上面了。改好数据表后可以直接再发送一次，会重新评估；发送 /reset 可以重新开始。',
  waitingForTable: '（县域评估在等您发送学校数据表；发送 /reset 可以退出。）',
  waitingForAnswer: '（自查还在进行：请继续回答上面的问题，或发送 /reset 退出自查。）',
};

const navButtons = (canBack: boolean): Button[][] => [
  [
    { label: '跳过', action: CL.skip },
    { label: '不清楚', action: CL.unknown },
    ...(canBack ? [{ label: '上一步', action: CL.back }] : []),
  ],
];

/** County spreadsheet assessment, provided by the county module (kept out of the dialogue's imports). */
export type CountyAssessor = (bytes: Buffer, fileName: string) => Promise<Reply[]>;

/**
 * The checklist dialogue: mode → stage → one question at a time → report.
 * Each answer is parsed at the boundary (parseFigure) and the run is saved
 * before the reply is returned, so a restart continues at the same question.
 */
export class ChecklistDialogue {
  constructor(
    private readonly checklists: readonly Checklist[],
    private readonly runs: ChecklistRunStore,
    private readonly assessCounty: CountyAssessor,
  ) {}

  /** The user is in the middle of a checklist and the next text is an answer to it. */
  awaitsAnswer(userId: string): boolean {
    const step = this.runs.get(userId)?.step.kind;
    return step === 'question' || step === 'confirm' || step === 'upload';
  }

  /** /checklist: an unfinished run is offered to continue; starting over is the user's choice, never a side effect. */
  start(userId: string): Reply[] {
    const run = this.runs.get(userId);
    const kind = run?.step.kind;
    if (run && (kind === 'stage' || kind === 'upload' || kind === 'question' || kind === 'confirm')) {
      const c = this.checklistOf(run);
      const where = c && (run.step.kind === 'question' || run.step.kind === 'confirm') ? `（第 ${run.step.index + 1}/${questionsOf(c).length} 项）` : '';
      return [{ text: T.unfinished(where), buttons: [[{ label: '继续上次', action: CL.resume }, { label: '重新开始', action: CL.restart }]] }];
    }
    return this.startOver(userId);
  }

  private startOver(userId: string): Reply[] {
    this.runs.save(userId, newRun());
    return [{ text: T.chooseMode, buttons: [[{ label: '学校自查', action: CL.school }, { label: '县域评估', action: CL.county }]] }];
  }

  /** The question the run stands at, asked again. */
  private resume(userId: string, run: ChecklistRun): Reply[] {
    if (run.step.kind === 'stage') return [this.stageQuestion()];
    if (run.step.kind === 'upload') return [this.uploadPrompt()];
    const c = this.checklistOf(run);
    if (!c || (run.step.kind !== 'question' && run.step.kind !== 'confirm')) return this.startOver(userId);
    // A pending 约… confirmation is asked afresh by asking the figure again.
    if (run.step.kind === 'confirm') {
      run.step = { kind: 'question', index: run.step.index };
      this.runs.save(userId, run);
    }
    return [this.question(c, run)];
  }

  reset(userId: string): Reply[] {
    this.runs.delete(userId);
    return [{ text: T.reset }];
  }

  /** The current report (/report): the finished one, or how much is left. */
  report(userId: string): Reply[] {
    const run = this.runs.get(userId);
    const c = run && this.checklistOf(run);
    if (!run || !c) return [{ text: T.noRun }];
    if (run.mode === 'county' && Object.keys(run.answers).length === 0) {
      return [{ text: run.step.kind === 'done' ? T.countyReportSent : T.upload }];
    }
    if (run.step.kind !== 'done') {
      const left = questionsOf(c).filter((q) => !run.answers[questionKey(q)]).length;
      return [{ text: T.notDone(left) }];
    }
    return [this.reportReply(c, run)];
  }

  /** The finished run's report, for a report file. */
  finishedReport(userId: string): ChecklistReport | undefined {
    const run = this.runs.get(userId);
    const c = run && this.checklistOf(run);
    return run && c && run.step.kind === 'done' ? buildReport(c, run.stage, run.answers) : undefined;
  }

  onAction(userId: string, action: string): Reply[] {
    const run = this.runs.get(userId);
    if (!run) return [{ text: T.noRun }];
    if (action === CL.restart) return this.startOver(userId);
    if (action === CL.resume) return this.resume(userId, run);
    if (action === CL.school || action === CL.county) {
      run.mode = action === CL.school ? 'school' : 'county';
      run.checklistId = action === CL.school ? SCHOOL_CHECKLIST : COUNTY_CHECKLIST;
      if (run.mode === 'county') {
        run.step = { kind: 'upload' };
        this.runs.save(userId, run);
        return [this.uploadPrompt()];
      }
      run.step = { kind: 'stage' };
      this.runs.save(userId, run);
      return [this.stageQuestion()];
    }
    if (action === CL.countyItems) {
      run.step = { kind: 'stage' };
      this.runs.save(userId, run);
      return [this.stageQuestion()];
    }
    if (action.startsWith('cl:stage:')) {
      const stage = action.slice('cl:stage:'.length);
      if (stage !== 'primary' && stage !== 'junior') return [{ text: T.useButtons }];
      run.stage = stage;
      return this.advance(userId, run, []);
    }
    const c = this.checklistOf(run);
    if (!c) return [{ text: T.unknownChecklist }];
    const questions = questionsOf(c);
    if (run.step.kind === 'confirm') {
      const { index, value } = run.step;
      if (action === CL.confirmYes) return this.record(userId, run, c, index, { status: 'value', value });
      if (action === CL.confirmNo) {
        run.step = { kind: 'question', index };
        this.runs.save(userId, run);
        return [{ text: '好的，请输入准确的数字。' }, this.question(c, run)];
      }
    }
    if (run.step.kind !== 'question') return [{ text: T.useButtons }];
    const index = run.step.index;
    const q = questions[index]!;
    if (action === CL.skip) return this.record(userId, run, c, index, { status: 'skipped' });
    if (action === CL.unknown) return this.record(userId, run, c, index, { status: 'unknown' });
    if (action === CL.yes && q.kind === 'boolean') return this.record(userId, run, c, index, { status: 'yes' });
    if (action === CL.no && q.kind === 'boolean') return this.record(userId, run, c, index, { status: 'no' });
    if (action === CL.back) {
      const previous = run.history.pop();
      if (previous === undefined) return [{ text: '已经是第一项了。' }, this.question(c, run)];
      delete run.answers[questionKey(questions[previous]!)];
      run.step = { kind: 'question', index: previous };
      this.runs.save(userId, run);
      return [this.question(c, run)];
    }
    return [{ text: T.useButtons }, this.question(c, run)];
  }

  /** A typed answer; null when the text is not one (the engine then treats it as a question). */
  onText(userId: string, text: string): Reply[] | null {
    const run = this.runs.get(userId);
    if (!run) return null;
    if (run.step.kind === 'upload') return null;
    const c = this.checklistOf(run);
    if (!c || (run.step.kind !== 'question' && run.step.kind !== 'confirm')) return null;
    const index = run.step.index;
    const q = questionsOf(c)[index]!;
    if (run.step.kind === 'confirm') {
      if (/^(是|对|好|确认|可以|嗯|yes|y)$/iu.test(text)) return this.onAction(userId, CL.confirmYes);
      if (/^(否|不是|不对|no|n)$/iu.test(text)) return this.onAction(userId, CL.confirmNo);
    }
    if (/^(不清楚|不知道|不确定)$/u.test(text)) return this.record(userId, run, c, index, { status: 'unknown' });
    if (/^(跳过|略过)$/u.test(text)) return this.record(userId, run, c, index, { status: 'skipped' });
    if (/^(上一步|返回|后退)$/u.test(text)) return this.onAction(userId, CL.back);
    if (q.kind === 'boolean') {
      if (/^(是|有|对|达到|已|yes|y)/iu.test(text)) return this.record(userId, run, c, index, { status: 'yes' });
      if (/^(否|没有|无|不|未|no|n)/iu.test(text)) return this.record(userId, run, c, index, { status: 'no' });
      return /[？?]$/u.test(text) ? null : [{ text: '请回答“是”或“否”，或点“不清楚”。' }, this.question(c, run)];
    }
    // A question typed mid-checklist ("这个指标怎么算？") goes to the answerer, not the parser.
    if (/[？?]$/u.test(text) || (!/[\d０-９零〇一二两三四五六七八九十百千万]/u.test(text) && [...text].length > 6)) return null;
    const parsed = parseFigure(text, q.field);
    if (!parsed.ok) return [{ text: `${parsed.reason}请重新输入。` }, this.question(c, run)];
    const implausible = this.checkPlausible(q.field, parsed.value, run);
    if (implausible) return [{ text: `${implausible}请重新输入。` }, this.question(c, run)];
    if (parsed.approximate) {
      run.step = { kind: 'confirm', index, value: parsed.value };
      this.runs.save(userId, run);
      return [{
        text: `您填的是大约 ${formatNumber(parsed.value)} ${q.field.unit}。按 ${formatNumber(parsed.value)} ${q.field.unit} 计算吗？估算会影响判定，能查到准确数字更好。`,
        buttons: [[{ label: `按 ${formatNumber(parsed.value)} 计算`, action: CL.confirmYes }, { label: '重新输入', action: CL.confirmNo }]],
      }];
    }
    return this.record(userId, run, c, index, { status: 'value', value: parsed.value });
  }

  /** A spreadsheet sent while a county run waits for one. */
  async onFile(userId: string, fileName: string, bytes: Buffer): Promise<Reply[] | null> {
    const run = this.runs.get(userId);
    // After one assessment a county may send a corrected table again without starting over.
    const countyTable = run?.mode === 'county' && (run.step.kind === 'upload' || (run.step.kind === 'done' && Object.keys(run.answers).length === 0));
    if (!run || !countyTable) return null;
    const replies = await this.assessCounty(bytes, fileName);
    run.step = { kind: 'done' };
    this.runs.save(userId, run);
    return replies;
  }

  /** What to remind a user of when they asked a question in the middle of a checklist. */
  reminder(userId: string): string | null {
    const step = this.runs.get(userId)?.step.kind;
    if (step === 'upload') return T.waitingForTable;
    if (step === 'question' || step === 'confirm') return T.waitingForAnswer;
    return null;
  }

  /** Figures no school can have: more of a kind of teacher than students, and the like. */
  private checkPlausible(field: InputField, value: number, run: ChecklistRun): string | null {
    const students = run.answers['students'];
    if (field.key === 'students' && value === 0) return '在校学生数不能是 0。';
    if (students?.status === 'value' && field.unit === '人' && field.key !== 'students' && value > students.value) {
      return `这个数（${formatNumber(value)} 人）比在校学生数（${formatNumber(students.value)} 人）还多，不太可能。`;
    }
    return null;
  }

  private record(userId: string, run: ChecklistRun, c: Checklist, index: number, answer: ChecklistRun['answers'][string]): Reply[] {
    const questions = questionsOf(c);
    const q = questions[index]!;
    const before = buildReport(c, run.stage, run.answers);
    run.answers[questionKey(q)] = answer;
    run.history.push(index);
    const after = buildReport(c, run.stage, run.answers);
    // Verdicts of indicators whose figures just became complete.
    const news: Reply[] = after.rows
      .filter((row, i) => row.status !== 'missing' && before.rows[i]!.status === 'missing')
      .map((row) => ({ text: rowText(row, run.stage) }));
    return this.advance(userId, run, news);
  }

  private advance(userId: string, run: ChecklistRun, replies: Reply[]): Reply[] {
    const c = this.checklistOf(run);
    if (!c) return [{ text: T.unknownChecklist }];
    const next = questionsOf(c).findIndex((q) => !run.answers[questionKey(q)]);
    if (next < 0) {
      run.step = { kind: 'done' };
      this.runs.save(userId, run);
      return [...replies, this.reportReply(c, run)];
    }
    run.step = { kind: 'question', index: next };
    this.runs.save(userId, run);
    return [...replies, this.question(c, run)];
  }

  private reportReply(c: Checklist, run: ChecklistRun): Reply {
    return { ...richText(reportBlocks(buildReport(c, run.stage, run.answers))), buttons: [[{ label: '生成报告文件（Excel）', action: CL.reportFile }]] };
  }

  private uploadPrompt(): Reply {
    return { text: T.upload, buttons: [[{ label: '改为逐项填写县级指标', action: CL.countyItems }]] };
  }

  private stageQuestion(): Reply {
    return { text: T.chooseStage, buttons: [[{ label: STAGE_NAMES.primary, action: CL.stage('primary') }, { label: STAGE_NAMES.junior, action: CL.stage('junior') }]] };
  }

  private question(c: Checklist, run: ChecklistRun): Reply {
    if (run.step.kind !== 'question') return { text: T.useButtons };
    const questions = questionsOf(c);
    const q = questions[run.step.index]!;
    const progress = `（${run.step.index + 1}/${questions.length}）`;
    const canBack = run.history.length > 0;
    if (q.kind === 'boolean') {
      const note = q.indicator.unverified ? '\n（此项未经核实，请以原文为准）' : '';
      return {
        text: `${progress}${q.indicator.question}${note}`,
        buttons: [[{ label: '是', action: CL.yes }, { label: '否', action: CL.no }], ...navButtons(canBack)],
      };
    }
    const hint = q.field.hint ? `\n提示：${q.field.hint}` : '';
    return { text: `${progress}请输入${q.field.name}（单位：${q.field.unit}）。${hint}`, buttons: navButtons(canBack) };
  }

  private checklistOf(run: ChecklistRun): Checklist | undefined {
    return run.checklistId ? this.checklists.find((c) => c.id === run.checklistId) : undefined;
  }
}
