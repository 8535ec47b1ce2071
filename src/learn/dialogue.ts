import type Database from 'better-sqlite3';
import type { StateTables } from '../state/tables.js';
import { z } from 'zod';
import { UserDocuments } from '../state/jsonRows.js';
import type { AnswerStatus } from '../answer/types.js';
import type { Button, Reply } from '../chat/types.js';
import type { Checklist } from '../checklist/types.js';
import { buildQuiz, type QuizQuestion } from './quiz.js';
import type { StoredPassage } from '../index/store.js';
import { TOUR, type TourContext, type TourPage } from './tour.js';

/** Finds the restatement section a tour step quotes. */
export type SectionLookup = (heading: string) => StoredPassage | undefined;

const TourRunSchema = z.object({
  version: z.literal(1),
  step: z.number().int().nonnegative(),
  mode: z.enum(['tour', 'ask', 'quiz', 'done']),
  quiz: z.number().int().nonnegative(),
  score: z.number().int().nonnegative(),
});
type TourRun = z.infer<typeof TourRunSchema>;

/** Tour progress per user, in the state database beside checklist runs. */
export class TourStore extends UserDocuments<TourRun> {
  constructor(db: Database.Database | StateTables) {
    super(db, 'tour_runs', TourRunSchema);
  }
}

export const LEARN = {
  start: 'learn:start',
  next: 'learn:next',
  example: 'learn:example',
  ask: 'learn:ask',
  resume: 'learn:resume',
  restart: 'learn:restart',
  checklist: 'learn:checklist',
  answer: (q: number, choice: number) => `learn:quiz:${q}:${choice}`,
} as const;

/** A question answered by the normal answerer: the reply to show and the answer's status. */
export interface Asked {
  reply: Reply;
  status: AnswerStatus;
}

/** How the engine answers a 我有问题 question (the normal answerer). */
export type AskFn = (question: string) => Promise<Asked>;

/**
 * The guided tour: one short page per step with 下一步 / 举个例子 / 我有问题 /
 * 跳到自查, then a quiz judged by the checklist's rule code. Progress is saved
 * per user after every step, like checklist runs.
 */
export class LearnDialogue {
  constructor(
    private readonly checklists: () => readonly Checklist[],
    private readonly store: TourStore,
  ) {}

  awaitsQuestion(userId: string): boolean {
    return this.store.get(userId)?.mode === 'ask';
  }

  private ctx(section: SectionLookup): TourContext {
    return { checklists: this.checklists(), section };
  }

  /** /learn (and 了解评估 on /start): an unfinished tour is offered to continue; starting over is the user's choice. */
  start(userId: string, section: SectionLookup): Reply[] {
    const offer = this.offer(userId);
    return offer ? [offer] : this.restart(userId, section);
  }

  /** The offer to continue an unfinished tour or quiz, or null when there is none. */
  offer(userId: string): Reply | null {
    const run = this.store.get(userId);
    if (!run || run.mode === 'done') return null;
    const total = this.quiz().length;
    const where = run.mode === 'quiz' && total > 0 ? `（测验第 ${Math.min(run.quiz + 1, total)}/${total} 题）` : `（第 ${run.step + 1}/${TOUR.length} 步）`;
    return {
      text: `您有一份未完成的了解评估${where}。接着学，还是从头开始？`,
      buttons: [[{ label: `继续上次${where}`, action: LEARN.resume }, { label: '重新开始', action: LEARN.restart }]],
    };
  }

  private restart(userId: string, section: SectionLookup): Reply[] {
    const ctx = this.ctx(section);
    const run: TourRun = { version: 1, step: 0, mode: 'tour', quiz: 0, score: 0 };
    this.store.save(userId, run);
    return [this.stepReply(run, ctx)];
  }

  /** Handles a learn:* action; `learn:checklist` is the engine's (it starts the checklist). */
  onAction(userId: string, action: string, section: SectionLookup): Reply[] {
    if (action === LEARN.start) return this.start(userId, section);
    if (action === LEARN.restart) return this.restart(userId, section);
    const ctx = this.ctx(section);
    const run = this.store.get(userId);
    if (!run) return this.restart(userId, section);
    if (action === LEARN.next) {
      if (run.step + 1 < TOUR.length) {
        run.step++;
        run.mode = 'tour';
        this.store.save(userId, run);
        return [this.stepReply(run, ctx)];
      }
      run.mode = 'quiz';
      run.quiz = 0;
      run.score = 0;
      this.store.save(userId, run);
      return [{ text: '最后做个小测验，检验一下。' }, this.quizReply(run)];
    }
    if (action === LEARN.example) {
      const example = TOUR[run.step]?.example?.(ctx);
      return example ? [this.pageReply(example, this.navButtons(run, false))] : [this.stepReply(run, ctx)];
    }
    if (action === LEARN.ask) {
      run.mode = 'ask';
      this.store.save(userId, run);
      return [{ text: `请输入您的问题（关于“${TOUR[run.step]!.title}”，也可以问别的）。` }];
    }
    if (action === LEARN.resume) {
      if (run.mode === 'ask') run.mode = 'tour';
      this.store.save(userId, run);
      return [run.mode === 'quiz' ? this.quizReply(run) : this.stepReply(run, ctx)];
    }
    const m = /^learn:quiz:(\d+):(\d+)$/u.exec(action);
    if (m && run.mode === 'quiz') return this.answerQuiz(userId, run, Number(m[1]), Number(m[2]));
    return [this.stepReply(run, ctx)];
  }

  /**
   * A question typed after 我有问题: answered by the normal answerer with the
   * step's topic words in front, so "85%是什么意思" on the indicators step is
   * about that step's 85 %; asked bare when that finds nothing (the user may
   * ask about something else). Then the tour waits.
   */
  async onQuestion(userId: string, question: string, ask: AskFn): Promise<Reply[]> {
    const run = this.store.get(userId)!;
    const step = TOUR[run.step]!;
    let answer = await ask(`${step.topic} ${question}`);
    if (answer.status === 'not_found') answer = await ask(question);
    run.mode = 'tour';
    this.store.save(userId, run);
    return [answer.reply, { text: '要继续学习吗？', buttons: [[{ label: `继续：${step.title}`, action: LEARN.resume }, { label: '我还有问题', action: LEARN.ask }]] }];
  }

  private quiz(): QuizQuestion[] {
    const resource = this.checklists().find((c) => c.id === 'youzhi-2017-resource');
    return resource ? buildQuiz(resource) : [];
  }

  private answerQuiz(userId: string, run: TourRun, q: number, choice: number): Reply[] {
    const questions = this.quiz();
    const question = questions[q];
    if (!question || q !== run.quiz) return [this.quizReply(run)];
    const right = choice === question.correct;
    run.score += right ? 1 : 0;
    run.quiz++;
    const verdict = { text: `${right ? '✅ 答对了。' : `❌ 正确答案是“${question.choices[question.correct]}”。`}\n${question.explain}` };
    if (run.quiz < questions.length) {
      this.store.save(userId, run);
      return [verdict, this.quizReply(run)];
    }
    run.mode = 'done';
    this.store.save(userId, run);
    return [
      verdict,
      {
        text: `测验完成：${questions.length} 题答对 ${run.score} 题。可以开始自查，或者再学一遍。`,
        buttons: [[{ label: '开始自查', action: LEARN.checklist }, { label: '再学一遍', action: LEARN.start }]],
      },
    ];
  }

  private quizReply(run: TourRun): Reply {
    const questions = this.quiz();
    const q = questions[run.quiz];
    if (!q) return { text: '测验没有题目（自查清单没有加载）。' };
    return {
      text: `测验（${run.quiz + 1}/${questions.length}）${q.text}`,
      buttons: [q.choices.map((c, i) => ({ label: c, action: LEARN.answer(run.quiz, i) }))],
    };
  }

  private navButtons(run: TourRun, withExample: boolean): Button[][] {
    const step = TOUR[run.step]!;
    return [
      [
        { label: run.step + 1 < TOUR.length ? '下一步' : '做测验', action: LEARN.next },
        ...(withExample && step.example ? [{ label: '举个例子', action: LEARN.example }] : []),
      ],
      [
        { label: '我有问题', action: LEARN.ask },
        { label: '跳到自查', action: LEARN.checklist },
      ],
    ];
  }

  private pageReply(page: TourPage, buttons: Button[][]): Reply {
    const views = page.quoted.map((p, i) => ({ label: `查看原文 [${i + 1}]`, action: `show:${p.id}` }));
    return { text: page.text, buttons: views.length ? [...buttons, views] : buttons };
  }

  private stepReply(run: TourRun, ctx: TourContext): Reply {
    const step = TOUR[run.step]!;
    const page = step.page(ctx);
    return this.pageReply({ ...page, text: `了解评估（${run.step + 1}/${TOUR.length}）${step.title}\n\n${page.text}` }, this.navButtons(run, true));
  }
}
