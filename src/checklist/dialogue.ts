import type { Button, Reply } from '../chat/types.js';
import { parseFigure } from './figures.js';
import { block, line, richText } from '../present/blocks.js';
import { unusualAfter, unusualText, type PlausibleRange } from './plausible.js';
import { buildReport, formatNumber, reportBlocks, rowText, type ChecklistReport } from './report.js';
import { newRun, type Answer, type ChecklistRun, type ChecklistRunStore } from './run.js';
import { localTime } from '../state/db.js';
import type { Filed } from '../state/jsonRows.js';
import { STAGE_NAMES, type BooleanIndicator, type Checklist, type InputField, type Stage } from './types.js';

/** One thing the checklist asks: a raw figure, or a yes/no item. */
export type Question = { kind: 'field'; field: InputField } | { kind: 'boolean'; indicator: BooleanIndicator };

/** Whether a question feeds a school-level figure, whose standard depends on the stage (班额 45 / 50). */
export function needsStage(c: Checklist, q: Question): boolean {
  if (q.kind === 'boolean') return false;
  return c.indicators.some((i) => i.kind === 'numeric' && i.level === 'school' && computedFrom(i, q.field.key));
}

/** The indicator's value is worked out from this raw figure. */
const computedFrom = (i: Checklist['indicators'][number], key: string) => i.kind === 'numeric' && (i.formula.sum.includes(key) || i.formula.per === key);

/**
 * The questions in the order of the indicators (each item's base figure, e.g.
 * 在校学生数, before its own), so that an item's verdict follows its figures.
 * Questions that need a stage come last: a county answers its county-wide
 * items without being asked for a 学段, and chooses one only for the per-school
 * figures (a school checklist needs it for every figure and asks it first).
 */
export function questionsOf(c: Checklist): Question[] {
  const seen = new Set<string>();
  const ordered: Question[] = [];
  const add = (q: Question) => {
    if (seen.has(questionKey(q))) return;
    seen.add(questionKey(q));
    ordered.push(q);
  };
  const addField = (key: string) => {
    const field = c.fields.find((f) => f.key === key);
    if (field) add({ kind: 'field', field });
  };
  for (const ind of c.indicators) {
    if (ind.kind === 'boolean') add({ kind: 'boolean', indicator: ind });
    else for (const key of [...(ind.formula.per !== undefined ? [ind.formula.per] : []), ...ind.formula.sum]) addField(key);
  }
  for (const f of c.fields) addField(f.key);
  return [...ordered.filter((q) => !needsStage(c, q)), ...ordered.filter((q) => needsStage(c, q))];
}

function questionKey(q: Question): string {
  return q.kind === 'field' ? q.field.key : q.indicator.id;
}

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
  /** The newest report's file; `reportFileOf(id)` a given report's. */
  reportFile: 'cl:report:file',
  reportFileOf: (id: number) => `cl:report:file:${id}`,
  reportShow: (id: number) => `cl:report:show:${id}`,
  resume: 'cl:resume',
  restart: 'cl:restart',
  /** 确定清除 after /reset asked whether to drop the figures entered. */
  resetConfirm: 'cl:reset:yes',
} as const;

export const SCHOOL_CHECKLIST = 'youzhi-2017-resource';
export const COUNTY_CHECKLIST = 'youzhi-2017-county';

const T = {
  chooseMode: '开始自查。请选择：\n· 学校自查：逐项填写本校数据，对照优质均衡 7 项资源配置指标判定；\n· 县域评估：发送全县学校数据表算差异系数，或逐项填写县级指标。\n随时可以输入 /reset 重新开始，进度会自动保存。',
  chooseStage: '请选择学段。九年一贯制、十二年一贯制学校请按小学部、初中部分别自查。',
  schoolName: '学校名称（可跳过）：直接输入校名，报告和 Excel 文件里会写上；不填也可以，直接选学段。',
  countyName: '县（市、区）名称（可跳过）：直接输入名称，报告和 Excel 文件里会写上。',
  nameSaved: (name: string) => `已记下名称：${name}。`,
  nameTooLong: (max: number) => `名称太长了，请只输入学校或县（市、区）的名称（不超过 ${max} 个字）。`,
  nameNotName: '这里填的是名称，不是数字；数字在后面逐项填写。',
  countyStage: (n: number, examples: string) =>
    `以下 ${n} 项是每所学校都要达到的（${examples}等）。请选一所学校核对（最好是条件最差的一所），按它的数据填写。这所学校是小学还是初中？`,
  perSchool: (stage: string) => `（逐校项目：按您选定核对的那所${stage}填写）`,
  navHelp: '（一时查不到的数点“跳过”，之后点“上一步”回来补；数拿不准点“不清楚”。这两种都先不判定这一项，报告里会列出来。）',
  upload: '请发送全县学校数据表（CSV 或 Excel）。第一行是表头，至少包含：学校名称、学段、在校学生数、高于规定学历教师数、县级以上骨干教师数、体育艺术专任教师数、教学及辅助用房面积(平方米)、体育运动场馆面积(平方米)、教学仪器设备值(万元)、网络多媒体教室数(间)。\n在终端里可以直接输入文件路径。',
  useButtons: '请点下面的按钮选择。',
  waitingForResume: (what: string) => `（您有一份未完成的${what}，已填的都保存着：发送 /checklist 可以接着填。）`,
  continueFirst: (typed: string) => `您输入的“${typed}”还没有记下：先选“继续上次”看到要填的那一项，再输入；或者选“重新开始”。`,
  noRun: '还没有开始自查。发送 /checklist 开始。',
  unfinished: (what: string, where: string) => `您有一份未完成的${what}${where}，已填的内容都保存着。接着填，还是重新开始？`,
  reset: '已清除自查进度。发送 /checklist 可以重新开始。',
  baseSkipped: (field: string, n: number) => `注意：${field}要用来计算 ${n} 项指标，不填的话这 ${n} 项都无法判定（报告里显示“未填”）。查到后点“上一步”回来补填即可。`,
  resetAsk: (what: string, n: number) => `确定要清除这次${what}吗？已填的 ${n} 项会一起删除，无法恢复（已完成的报告不受影响）。`,
  resetKeepsReports: '已清除自查进度；已完成的报告还在，发送 /report 查看。发送 /checklist 可以重新开始。',
  finishedAt: (at: string) => `这是您 ${at} 完成的报告。`,
  olderReports: (n: number) => `更早的报告（最近 ${n} 份，点一下查看）：`,
  reportGone: '没有找到这份报告。发送 /report 查看已完成的报告。',
  notDone: (n: number) => `自查还没完成，还有 ${n} 项没填。填完后会生成报告；发送 /reset 可以重新开始。`,
  unknownChecklist: '自查清单没有加载成功，请联系管理员检查 corpus/checklists。',
  countyReportSent: '县域评估的结果已经发在上面了。改好数据表后可以直接再发送一次，会重新评估；发送 /reset 可以重新开始。',
  waitingForTable: '（县域评估在等您发送学校数据表；发送 /reset 可以退出。）',
  waitingForAnswer: '（自查还在进行，接着回答这一项即可；发送 /reset 退出自查。）',
};

const navButtons = (canBack: boolean): Button[][] => [
  [
    { label: '跳过', action: CL.skip },
    { label: '不清楚', action: CL.unknown },
    ...(canBack ? [{ label: '上一步', action: CL.back }] : []),
  ],
];

/** How many indicators a figure left open enters, when it enters more than one (在校学生数 is every item's divisor). */
function leftOpen(c: Checklist, q: Question): number {
  if (q.kind !== 'field') return 0;
  const n = c.indicators.filter((i) => computedFrom(i, q.field.key)).length;
  return n > 1 ? n : 0;
}

/** What the user had answered before going back, so a correction starts from it (上次填的是 1200 人). */
function earlierAnswer(a: Answer, q: Question): string {
  if (a.status === 'skipped') return '这一项上次跳过了。';
  if (a.status === 'unknown') return '这一项上次选的是「不清楚」。';
  if (a.status === 'yes' || a.status === 'no') return `这一项上次选的是「${a.status === 'yes' ? '是' : '否'}」。`;
  const unit = q.kind === 'field' ? ` ${q.field.unit}` : '';
  return `这一项上次填的是 ${formatNumber(a.value)}${unit}${a.estimate ? '（估计值）' : ''}。`;
}

/** A school or county name longer than this is not a name (a pasted paragraph, a question). */
const MAX_NAME_CHARS = 40;

/** How many earlier reports /report lists as buttons: a phone screen of them. */
const MAX_OLDER_REPORTS = 8;

const VERDICT_NAMES = { met: '达到要求', 'not-met': '未达到要求', incomplete: '未完成' } as const;

/** County spreadsheet assessment, provided by the county module (kept out of the dialogue's imports). */
export type CountyAssessor = (bytes: Buffer, fileName: string) => Promise<Reply[]>;

/**
 * The checklist dialogue: mode → stage → one question at a time → report.
 * Each answer is parsed at the boundary (parseFigure) and the run is saved
 * before the reply is returned, so a restart continues at the same question.
 */
/**
 * Words that ask (多少, 几, 吗 …): a figure typed as a reply never holds one
 * (十几 and 几十 are estimates, not questions), a question almost always does.
 */
const ASKING = /多[少大高长久宽]|(?<!十|好)几(?!十|百|千|万)|吗|什么|啥|怎么|咋|如何|是否|有没有|要不要|能不能|算不算|够不够|哪/u;

/** Asking words no school or county name holds. */
const ASKING_IN_NAME = /多[少大高长久宽]|吗|什么|啥|怎么|咋|如何|是否|有没有|要不要|能不能|算不算|够不够/u;

/** Typed text that is a question for the answerer, not a figure: ends in ？, holds an asking word, or is longer than a short reply without any numeral. */
function looksLikeQuestion(text: string): boolean {
  return /[？?]$/u.test(text) || ASKING.test(text) || (!/[\d０-９零〇一二两三四五六七八九十百千万]/u.test(text) && [...text].length > 6);
}

export class ChecklistDialogue {
  constructor(
    private readonly checklists: readonly Checklist[],
    private readonly runs: ChecklistRunStore,
    private readonly assessCounty: CountyAssessor,
    /** Plausible ranges (plausibility/ranges.yaml beside the checklists): a value outside one is questioned first. */
    private readonly ranges: readonly PlausibleRange[] = [],
  ) {}

  /** The user is in the middle of a checklist and the next text is an answer to it. */
  awaitsAnswer(userId: string): boolean {
    const step = this.runs.get(userId)?.step.kind;
    return step === 'name' || step === 'question' || step === 'confirm' || step === 'upload';
  }

  /** /checklist: an unfinished run is offered to continue; starting over is the user's choice, never a side effect. */
  start(userId: string): Reply[] {
    const offer = this.offer(userId);
    return offer ? [offer] : this.startOver(userId);
  }

  /** The offer to continue an unfinished run (/start, /checklist; /report words its own), or null when there is none. */
  offer(userId: string): Reply | null {
    const run = this.runs.get(userId);
    const offer = run ? this.offerFor(run, T.unfinished) : null;
    if (run && offer) this.markOffered(userId, run);
    return offer;
  }

  private markOffered(userId: string, run: ChecklistRun): void {
    if (run.offered) return;
    run.offered = true;
    this.runs.save(userId, run);
  }

  private offerFor(run: ChecklistRun, say: (what: string, where: string) => string): Reply | null {
    const step = run.step;
    if (step.kind !== 'name' && step.kind !== 'stage' && step.kind !== 'upload' && step.kind !== 'question' && step.kind !== 'confirm') return null;
    const c = this.checklistOf(run);
    const what = run.mode === 'county' ? '县域评估' : '自查';
    const where =
      step.kind === 'upload' ? '（等您发送学校数据表）'
        : step.kind === 'stage' || step.kind === 'name' ? (run.mode === 'county' && step.kind === 'name' ? '' : '（还没选学段）')
          : c ? `（第 ${step.index + 1}/${questionsOf(c).length} 项）` : '';
    const position = step.kind === 'question' || step.kind === 'confirm' ? where : '';
    return { text: say(what, where), buttons: [[{ label: `继续上次${position}`, action: CL.resume }, { label: '重新开始', action: CL.restart }]] };
  }

  private startOver(userId: string): Reply[] {
    this.runs.save(userId, newRun());
    return [{ text: T.chooseMode, buttons: [[{ label: '学校自查', action: CL.school }, { label: '县域评估', action: CL.county }]] }];
  }

  /** The question the run stands at, asked again. */
  private resume(userId: string, run: ChecklistRun): Reply[] {
    if (run.offered) {
      delete run.offered;
      this.runs.save(userId, run);
    }
    if (run.step.kind === 'name') return [this.nameQuestion(run)];
    if (run.step.kind === 'upload') return [this.uploadPrompt()];
    const c = this.checklistOf(run);
    if (run.step.kind === 'stage') return [this.stageQuestion(run, c)];
    if (!c || (run.step.kind !== 'question' && run.step.kind !== 'confirm')) return this.startOver(userId);
    // A pending 约… confirmation is asked afresh by asking the figure again.
    if (run.step.kind === 'confirm') {
      run.step = { kind: 'question', index: run.step.index };
      this.runs.save(userId, run);
    }
    // A run saved under an older question order may stand at an answered question: go on at the first open one.
    const at = questionsOf(c)[run.step.index];
    if (!at || run.answers[questionKey(at)]) return this.advance(userId, run, []);
    return [this.question(c, run)];
  }

  /**
   * /reset: the unfinished run goes; finished reports stay. A run holding figures the user entered
   * is cleared only once confirmed: one slip must not lose them.
   */
  reset(userId: string): Reply[] {
    const run = this.runs.get(userId);
    const entered = run && run.step.kind !== 'done' ? Object.keys(run.answers).length : 0;
    if (run && entered > 0) {
      const what = run.mode === 'county' ? '县域评估' : '自查';
      return [{
        text: T.resetAsk(what, entered),
        buttons: [[{ label: '确定清除', action: CL.resetConfirm }, { label: `继续${what}`, action: CL.resume }]],
      }];
    }
    return this.clear(userId);
  }

  private clear(userId: string): Reply[] {
    this.runs.delete(userId);
    return [{ text: this.filed(userId, 1).length > 0 ? T.resetKeepsReports : T.reset }];
  }

  /**
   * /report: how far an unfinished run is (with the offer to continue), then the
   * newest finished report and the older ones as buttons, so a new run never
   * hides an earlier report.
   */
  report(userId: string): Reply[] {
    const replies: Reply[] = [];
    const run = this.runs.get(userId);
    const c = run && this.checklistOf(run);
    if (run && c) {
      const offer = this.offerFor(run, (what, where) => {
        if (run.step.kind === 'upload') return T.upload;
        const left = questionsOf(c).filter((q) => !run.answers[questionKey(q)]).length;
        return `${T.unfinished(what, where)}\n${T.notDone(left)}`;
      });
      // A status asked mid-run leaves the run where it is: the next figure still answers the question.
      if (offer) replies.push(offer);
      else if (run.mode === 'county' && run.step.kind === 'done' && Object.keys(run.answers).length === 0) replies.push({ text: T.countyReportSent });
    }
    const filed = this.filed(userId, MAX_OLDER_REPORTS + 1);
    const [newest, ...older] = filed;
    if (newest) replies.push(this.filedReply(newest));
    if (older.length > 0) {
      replies.push({ text: T.olderReports(older.length), buttons: older.map((f) => [{ label: this.filedLabel(f), action: CL.reportShow(f.id) }]) });
    }
    return replies.length > 0 ? replies : [{ text: T.noRun }];
  }

  /** A finished report for a report file: the given one, or the newest. */
  finishedReport(userId: string, id?: number): ChecklistReport | undefined {
    const f = id === undefined ? this.filed(userId, 1)[0] : this.runs.report(userId, id);
    const c = f && this.checklistOf(f.value);
    return f && c ? buildReport(c, f.value.stage, f.value.answers, { name: f.value.name ?? null, date: new Date(f.at) }) : undefined;
  }

  /** The report id in a report-file action (`cl:report:file:<id>`), undefined for the newest. */
  static reportFileId(action: string): number | undefined {
    const m = /^cl:report:file:(\d+)$/u.exec(action);
    return m ? Number(m[1]) : undefined;
  }

  /** Finished runs that can still be rendered (their checklist is loaded), newest first. */
  private filed(userId: string, limit: number): Filed<ChecklistRun>[] {
    return this.runs.reports(userId).filter((f) => this.checklistOf(f.value)).slice(0, limit);
  }

  private filedReply(f: Filed<ChecklistRun>): Reply {
    return this.reportReply(this.checklistOf(f.value)!, f.value, f.id, T.finishedAt(localTime(new Date(f.at))), new Date(f.at));
  }

  /** 2025-03-01 14:05 学校自查 · 小学（未达到要求） */
  private filedLabel(f: Filed<ChecklistRun>): string {
    const run = f.value;
    const c = this.checklistOf(run)!;
    const verdict = buildReport(c, run.stage, run.answers).verdict;
    const what = run.mode === 'county' ? '县域评估' : '学校自查';
    return `${localTime(new Date(f.at))} ${what}${run.stage ? ` · ${STAGE_NAMES[run.stage]}` : ''}（${VERDICT_NAMES[verdict]}）`;
  }

  onAction(userId: string, action: string): Reply[] {
    const shown = /^cl:report:show:(\d+)$/u.exec(action);
    if (shown) {
      const f = this.runs.report(userId, Number(shown[1]));
      return [f && this.checklistOf(f.value) ? this.filedReply(f) : { text: T.reportGone }];
    }
    // 重新开始 from an offer shown before a /reset still starts over.
    if (action === CL.restart) return this.startOver(userId);
    if (action === CL.resetConfirm) return this.clear(userId);
    const run = this.runs.get(userId);
    if (!run) return [{ text: T.noRun }];
    if (action === CL.resume) return this.resume(userId, run);
    // A button of the run pressed after the offer: the user goes on with it (saved with the step it answers).
    delete run.offered;
    if (action === CL.school || action === CL.county) {
      run.mode = action === CL.school ? 'school' : 'county';
      run.checklistId = action === CL.school ? SCHOOL_CHECKLIST : COUNTY_CHECKLIST;
      if (run.mode === 'county') {
        run.step = { kind: 'upload' };
        this.runs.save(userId, run);
        return [this.uploadPrompt()];
      }
      run.step = { kind: 'name' };
      this.runs.save(userId, run);
      return [this.nameQuestion(run)];
    }
    if (action === CL.countyItems) {
      run.step = { kind: 'name' };
      this.runs.save(userId, run);
      return [this.nameQuestion(run)];
    }
    if (action === CL.skip && run.step.kind === 'name') {
      if (run.mode === 'county') return this.advance(userId, run, []);
      run.step = { kind: 'stage' };
      this.runs.save(userId, run);
      return [this.stageQuestion(run)];
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
    if (action === CL.skip && run.step.kind === 'stage' && run.mode === 'county') {
      // 跳过这些项: the per-school figures stay unanswered, and the report says so.
      for (const q of questions) if (needsStage(c, q) && !run.answers[questionKey(q)]) run.answers[questionKey(q)] = { status: 'skipped' };
      return this.advance(userId, run, []);
    }
    if (run.step.kind === 'confirm') {
      const { index, value, raw, estimate, check } = run.step;
      const figure = { value, raw: raw ?? formatNumber(value), estimate: estimate ?? check !== 'unusual' };
      if (action === CL.confirmYes && check === 'unusual') {
        return this.record(userId, run, c, index, { status: 'value', value, raw: figure.raw, unusual: true, ...(figure.estimate ? { estimate: true } : {}) });
      }
      if (action === CL.confirmYes) return this.accept(userId, run, c, index, figure);
      // 上一步 from a confirmation goes back to the question it confirms.
      if (action === CL.confirmNo || action === CL.back) {
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
      const key = questionKey(questions[previous]!);
      const earlier = run.answers[key];
      delete run.answers[key];
      run.step = { kind: 'question', index: previous };
      this.runs.save(userId, run);
      const shown = earlier ? earlierAnswer(earlier, questions[previous]!) : null;
      return shown ? [{ text: shown }, this.question(c, run)] : [this.question(c, run)];
    }
    return [{ text: T.useButtons }, this.question(c, run)];
  }

  /** A typed answer; null when the text is not one (the engine then treats it as a question). */
  onText(userId: string, text: string): Reply[] | null {
    const run = this.runs.get(userId);
    if (!run) return null;
    if (run.offered) {
      // A question goes to the answerer; a figure or a short reply waits until the user continues.
      if (looksLikeQuestion(text)) return null;
      const offer = this.offerFor(run, T.unfinished);
      return offer ? [{ text: T.continueFirst(text.trim()) }, offer] : null;
    }
    if (run.step.kind === 'upload') return null;
    if (run.step.kind === 'name') return this.onName(userId, run, text);
    const c = this.checklistOf(run);
    if (!c || (run.step.kind !== 'question' && run.step.kind !== 'confirm')) return null;
    const index = run.step.index;
    const q = questionsOf(c)[index]!;
    if (run.step.kind === 'confirm' && run.step.check === 'unusual') {
      // The question was 是不是填错了？: 是 means re-enter, 没错 means keep.
      if (/^(没错|没填错|不是|没有|确认|按此计算|yes|y)$/iu.test(text)) return this.onAction(userId, CL.confirmYes);
      if (/^(是|是的|对|错了|填错了|重新输入|重填|no|n)$/iu.test(text)) return this.onAction(userId, CL.confirmNo);
    } else if (run.step.kind === 'confirm') {
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
    if (looksLikeQuestion(text)) return null;
    // A figure typed instead of 没填错 / 重新输入 is the figure re-entered: the question is asked again if it is no figure.
    if (run.step.kind === 'confirm') {
      run.step = { kind: 'question', index };
      this.runs.save(userId, run);
    }
    const parsed = parseFigure(text, q.field);
    if (!parsed.ok) return [{ text: `${parsed.reason}请重新输入。` }, this.question(c, run)];
    const implausible = this.checkPlausible(q.field, parsed.value, run);
    if (implausible) return [{ text: `${implausible}请重新输入。` }, this.question(c, run)];
    if (parsed.approximate) {
      run.step = { kind: 'confirm', index, value: parsed.value, raw: text.trim(), estimate: true, check: 'estimate' };
      this.runs.save(userId, run);
      return [{
        text: `您填的是大约 ${formatNumber(parsed.value)} ${q.field.unit}。按 ${formatNumber(parsed.value)} ${q.field.unit} 计算吗？估算会影响判定，能查到准确数字更好。`,
        buttons: [[{ label: `按 ${formatNumber(parsed.value)} 计算`, action: CL.confirmYes }, { label: '重新输入', action: CL.confirmNo }]],
      }];
    }
    return this.accept(userId, run, c, index, { value: parsed.value, raw: text.trim(), estimate: false });
  }

  /** A typed name (step `name`); a question typed instead goes to the answerer. */
  private onName(userId: string, run: ChecklistRun, text: string): Reply[] | null {
    const name = text.trim();
    // 音乐教室要多大 is a question, not a school's name (几 and 哪 are left out: they stand in place names).
    if (/[？?]$/u.test(name) || ASKING_IN_NAME.test(name)) return null;
    if (/^(跳过|略过|不填)$/u.test(name)) return this.onAction(userId, CL.skip);
    if (run.mode !== 'county' && (name === STAGE_NAMES.primary || name === STAGE_NAMES.junior)) {
      return this.onAction(userId, CL.stage(name === STAGE_NAMES.primary ? 'primary' : 'junior'));
    }
    if ([...name].length > MAX_NAME_CHARS) return [{ text: T.nameTooLong(MAX_NAME_CHARS) }, this.nameQuestion(run)];
    // A figure typed here ("2360") is no name: the first figure comes after the stage.
    if (!/\p{L}/u.test(name)) return [{ text: T.nameNotName }, this.nameQuestion(run)];
    run.name = name;
    if (run.mode === 'county') return this.advance(userId, run, [{ text: T.nameSaved(name) }]);
    run.step = { kind: 'stage' };
    this.runs.save(userId, run);
    const stage = this.stageQuestion(run);
    return [{ ...stage, text: `${T.nameSaved(name)}\n${stage.text}` }];
  }

  /**
   * A figure the user gave (after any 约… confirmation): when an indicator it
   * completes lands far outside its plausible range, the user is asked first
   * whether it was mistyped; otherwise it is recorded as typed.
   */
  private accept(userId: string, run: ChecklistRun, c: Checklist, index: number, figure: { value: number; raw: string; estimate: boolean }): Reply[] {
    const q = questionsOf(c)[index]!;
    const answer = { status: 'value' as const, value: figure.value, raw: figure.raw, ...(figure.estimate ? { estimate: true } : {}) };
    if (q.kind !== 'field') return this.record(userId, run, c, index, answer);
    const unusual = unusualAfter(c, this.ranges, run.stage, run.answers, q.field.key, figure.value);
    if (unusual.length === 0) return this.record(userId, run, c, index, answer);
    run.step = { kind: 'confirm', index, value: figure.value, raw: figure.raw, estimate: figure.estimate, check: 'unusual' };
    this.runs.save(userId, run);
    return [{
      text: `您填的${q.field.name}是 ${formatNumber(figure.value)} ${q.field.unit}，${unusualText(unusual)}`,
      buttons: [[{ label: '没填错，按此计算', action: CL.confirmYes }, { label: '重新输入', action: CL.confirmNo }]],
    }];
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

  /**
   * What follows the answer to a question asked in the middle of a checklist: a reminder, and the item the
   * user was on shown again with its buttons (the answer's own buttons replaced them, and it scrolled away).
   */
  reminder(userId: string): Reply[] | null {
    const run = this.runs.get(userId);
    if (!run) return null;
    const step = run.step;
    // After the offer the user has not seen the question again: there is no "question above" to answer.
    if (run.offered && (step.kind === 'name' || step.kind === 'question' || step.kind === 'confirm' || step.kind === 'upload')) {
      return [{ text: T.waitingForResume(run.mode === 'county' ? '县域评估' : '自查') }];
    }
    if (step.kind === 'upload') return [{ text: T.waitingForTable }];
    if (step.kind === 'done' || step.kind === 'mode') return null;
    // A pending confirmation (约25 → 按 25 计算？) stays pending: resume() would drop it and ask the figure afresh.
    // Without the checklist's data resume() would start over: the reminder alone then too.
    if (step.kind === 'confirm' || (step.kind === 'question' && !this.checklistOf(run))) return [{ text: T.waitingForAnswer }];
    return [{ text: T.waitingForAnswer }, ...this.resume(userId, run)];
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
    const left = answer.status === 'skipped' || answer.status === 'unknown' ? leftOpen(c, q) : 0;
    if (left > 0 && q.kind === 'field') news.push({ text: T.baseSkipped(q.field.name, left) });
    return this.advance(userId, run, news);
  }

  private advance(userId: string, run: ChecklistRun, replies: Reply[]): Reply[] {
    const c = this.checklistOf(run);
    if (!c) return [{ text: T.unknownChecklist }];
    const questions = questionsOf(c);
    const next = questions.findIndex((q) => !run.answers[questionKey(q)]);
    if (next >= 0 && run.stage === null && needsStage(c, questions[next]!)) {
      // A county reaches the per-school figures: only now is a stage needed.
      run.step = { kind: 'stage' };
      this.runs.save(userId, run);
      return [...replies, this.stageQuestion(run, c)];
    }
    if (next < 0) {
      run.step = { kind: 'done' };
      const id = this.runs.finish(userId, run);
      return [...replies, this.reportReply(c, run, id)];
    }
    run.step = { kind: 'question', index: next };
    this.runs.save(userId, run);
    return [...replies, this.question(c, run)];
  }

  /** `lead`: a line above the report (when it was finished). */
  private reportReply(c: Checklist, run: ChecklistRun, id: number, lead?: string, at = new Date()): Reply {
    const report = buildReport(c, run.stage, run.answers, { name: run.name ?? null, date: at });
    const blocks = [...(lead ? [block(line('note', lead))] : []), ...reportBlocks(report)];
    return { ...richText(blocks), buttons: [[{ label: '生成报告文件（Excel）', action: CL.reportFileOf(id) }]] };
  }

  private uploadPrompt(): Reply {
    return { text: T.upload, buttons: [[{ label: '改为逐项填写县级指标', action: CL.countyItems }]] };
  }

  /** The optional name: a school's comes with the stage buttons, a county's with 跳过. */
  private nameQuestion(run: ChecklistRun): Reply {
    if (run.mode === 'county') return { text: T.countyName, buttons: [[{ label: '跳过', action: CL.skip }]] };
    return { text: `${T.schoolName}\n${T.chooseStage}`, buttons: this.stageButtons() };
  }

  private stageButtons(): Button[][] {
    return [[{ label: STAGE_NAMES.primary, action: CL.stage('primary') }, { label: STAGE_NAMES.junior, action: CL.stage('junior') }]];
  }

  /** A school's stage; for a county, the stage of the one school its per-school figures describe (or skip them). */
  private stageQuestion(run?: ChecklistRun, c?: Checklist): Reply {
    if (run?.mode !== 'county' || !c) return { text: T.chooseStage, buttons: this.stageButtons() };
    const left = questionsOf(c).filter((q) => needsStage(c, q) && !run.answers[questionKey(q)]).length;
    const examples = c.indicators.filter((i) => i.kind === 'numeric' && i.level === 'school').slice(0, 3).map((i) => i.name.replace(/（[^）]*）$/u, ''));
    return { text: T.countyStage(left, examples.join('、')), buttons: [...this.stageButtons(), [{ label: '跳过这些项', action: CL.skip }]] };
  }

  private question(c: Checklist, run: ChecklistRun): Reply {
    if (run.step.kind !== 'question') return { text: T.useButtons };
    const questions = questionsOf(c);
    const q = questions[run.step.index]!;
    const progress = `（${run.step.index + 1}/${questions.length}）`;
    const canBack = run.history.length > 0;
    // The first item says once what 跳过 and 不清楚 do; after it the buttons speak for themselves.
    const help = run.step.index === 0 && !canBack ? `\n${T.navHelp}` : '';
    if (q.kind === 'boolean') {
      const note = q.indicator.unverified ? '\n（此项未经核实，请以原文为准）' : '';
      return {
        text: `${progress}${q.indicator.question}${note}${help}`,
        buttons: [[{ label: '是', action: CL.yes }, { label: '否', action: CL.no }], ...navButtons(canBack)],
      };
    }
    const hint = q.field.hint ? `\n提示：${q.field.hint}` : '';
    const perSchool = run.mode === 'county' && run.stage && needsStage(c, q) ? `\n${T.perSchool(STAGE_NAMES[run.stage])}` : '';
    return { text: `${progress}请输入${q.field.name}（单位：${q.field.unit}）。${perSchool}${hint}${help}`, buttons: navButtons(canBack) };
  }

  private checklistOf(run: ChecklistRun): Checklist | undefined {
    return run.checklistId ? this.checklists.find((c) => c.id === run.checklistId) : undefined;
  }
}
