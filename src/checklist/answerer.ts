/**
 * Indicator questions answered from the checklist data. The passage
 * pipeline answers first; when the question asks for the standard of an
 * indicator the data holds (or brings its own figures), the data's facts
 * answer, and the passage the pipeline found is kept as 相关原文. Pure.
 */
import type { AnswerPipeline } from '../answer/pipeline.js';
import { conceptIn, factStated, statesMeasure } from '../answer/features.js';
import { loadLexicon, type Lexicon } from '../answer/lexicon.js';
import type { QueryPlan } from '../answer/plan.js';
import { soundsIn } from '../answer/typo.js';
import { normalizeForSearch } from '../index/segment.js';
import type { Answer, Answerer, Fact, Topic } from '../answer/types.js';
import { overviewFacts, partSummaryFacts, readOverviewQuestion, type Evaluations, type OverviewQuestion } from './evaluations.js';
import { elsewhereFacts, indicatorFacts, noteFacts, vetoUnread } from './explain.js';
import type { IndicatorNames } from './indicatorNames.js';
import { evaluationAsked, followUpQuestion, isLocalQuestion, normalQuestion, readIndicatorQuestion, topicOf, type IndicatorQuestion } from './question.js';
import type { Checklist } from './types.js';

/** Where a sentence of a quote ends. */
const SENTENCE_END = /[。；;！!？?\n]/u;

export class IndicatorAnswers {
  /** Words of a standard line itself (stages, evaluations): naming them does not ask an item's note. */
  private readonly lineWords: ReadonlySet<string>;

  constructor(
    private readonly checklists: readonly Checklist[],
    private readonly names: IndicatorNames,
    private readonly evaluations: Evaluations | null = null,
    /** The asked-fact kinds and measures the pipeline reads questions with (corpus/lexicon). */
    private readonly lexicon: Lexicon = loadLexicon(),
  ) {
    this.lineWords = new Set([...names.stages.flatMap((s) => s.names), ...[...names.programs.values()].flat(), ...lexicon.nationalReferences]);
  }

  /** The chat's answerer: the passage pipeline, then the data where it answers. The eval runs the same two steps. */
  over(pipeline: AnswerPipeline): Answerer {
    return {
      answer: async (question: string, topic?: Topic) => {
        const prepared = await pipeline.prepare(question);
        return this.finish(prepared.plan, pipeline.compose(prepared, await pipeline.decideReranked(prepared)), topic);
      },
    };
  }

  /** The answer to give: the data's, when it answers the question; otherwise the passage answer unchanged. */
  finish(plan: QueryPlan, passage: Answer, previous?: Topic): Answer {
    const answer = this.choose(plan, passage, previous);
    // A typo repaired for the passages (差异系树) was repaired for the data's reading too: say so either way.
    return passage.understood && !answer.understood ? { ...answer, understood: passage.understood } : answer;
  }

  private choose(plan: QueryPlan, passage: Answer, previous?: Topic): Answer {
    const text = normalQuestion(plan.repaired, this.names);
    const follow = previous ? followUpQuestion(plan.repaired, previous, this.names) : null;
    // The passages found for 那初中呢 are about nothing in particular: a follow-up is answered from the data alone.
    if (follow) return this.fromData(plan, text, { ...passage, status: 'not_found', quotes: [], citations: [] }, follow);
    const q = readIndicatorQuestion(plan.repaired, this.names);
    // 优均由哪几部分构成 / 基均和优均有啥不一样: the evaluation as a whole, unless the question is about one indicator, part or veto.
    const read = this.evaluations ? readOverviewQuestion(text, this.evaluations) : null;
    // 资源配置和教育质量分别是第几条 names parts, but asks where they are, not what they hold.
    const overview = read && (read.aspect === 'articles' || !q || (q.indicators.length === 0 && q.parts.length === 0 && q.vetoes.length === 0 && q.requirements.length === 0)) ? read : null;
    // 优均办法里…第几条 names the evaluation's own document: that is no other document.
    const aboutItsDocument = overview !== null && (overview.aspect === 'articles' || overview.aspect === 'documents');
    if (overview) return this.localOrElsewhere(plan, plan.repaired, aboutItsDocument) ? passage : this.fromOverview(plan, passage, overview);
    if (!q) return this.outsideTheData(plan, passage);
    // 交流轮岗比例是多少 / 特教学校公用经费多少: an indicator that is itself a rate, asked for a bare figure,
    // asks its standard. 操场建设投了多少钱 asks money of an area rate: not this.
    const rateAsked = plan.asked.kind === 'figure' && this.names.asksOfRate.some((w) => text.includes(w)) && q.indicators.length > 0 && q.indicators.every((n) => /[/%]/u.test(n.indicator.unit));
    // 国家优均要求多少？那个县2020年实际做到多少: the standard from the data, the county's own figure kept as 相关原文.
    // 区里的优均方案里… points into a local document as 该县 does (the plan reads it: QueryPlan.localOnly).
    const local = q.local || plan.localOnly;
    // 区里那个优均方案… names the evaluation only as what the district's plan is about: no national standard is asked.
    const nationalAsked =
      this.lexicon.nationalSide.some((w) => text.includes(w)) ||
      ((plan.parts !== null || plan.comparison !== null) && this.lexicon.nationalReferences.some((w) => text.includes(w)));
    const standardToo = local && passage.status === 'answered' && q.indicators.length > 0 && nationalAsked;
    if (!(q.asksStandard || rateAsked) || (local && !standardToo)) return passage;
    // A question about one county's or one document's own figures (拜城县的操场) is for the documents, not the national standard.
    // The segmenter tags some indicator names as places (音乐教室): those do not count.
    const nameLists = [...q.indicators.map((n) => n.names), ...q.vetoes.map((v) => v.names), ...q.parts.map((p) => p.names), ...q.requirements.map((r) => r.names)];
    const named = (form: string) => nameLists.some((list) => list.some((name) => name.includes(form) || form.includes(name)));
    // 优质均衡办法中… names the national document itself, which the data restates.
    const ownDocument = plan.documentRef !== null && !q.namesProgram;
    // With the asker's own figures (新建的音乐教室100平) the situation is theirs, whatever the segmenter takes for a place name.
    const elsewhere = q.figures.length === 0 && plan.concepts.some((c) => (c.place || c.scope) && !c.forms.some(named));
    if (!q.uncovered && (ownDocument || elsewhere)) return passage;
    return this.fromData(plan, text, passage, q);
  }

  /**
   * 优质均衡对心理健康教师的配备比例有什么规定: the checklists hold every
   * indicator of the evaluation named, and none is this. A passage of the
   * project's restatement of the evaluation may still answer (it holds the
   * rules around the indicators); any other document's passage states what one
   * county did, not the evaluation's requirement: partial, the passage kept.
   */
  private outsideTheData(plan: QueryPlan, passage: Answer): Answer {
    const text = normalQuestion(plan.repaired, this.names);
    if (passage.status !== 'answered' || this.localOrElsewhere(plan, plan.repaired)) return passage;
    const top = passage.citations[passage.quotes[0]?.citation ?? 0];
    if (!top) return passage;
    if (top.kind === 'restatement') return this.restatementHolds(plan, passage) ? passage : this.notInTheData(plan, passage);
    const asked = evaluationAsked(text, this.names);
    if (asked.length === 0) return passage;
    const evaluation = [...new Set(this.checklists.filter((c) => asked.includes(c.id)).map((c) => c.name.split(' · ')[0]!))].join('、');
    const fact = { text: `${evaluation}的国家指标（检查清单列出了全部指标）里没有这一项的要求；下面的原文是文件自己的做法，不是${evaluation}的标准`, source: null, unverified: false, noStandard: true };
    return { ...passage, status: 'partial', reason: { code: 'fact_missing', asked: { kind: 'standard', label: '' } }, facts: [fact] };
  }

  /**
   * The restatement is written in the standards' own words: when the quoted
   * part of it does not name what the question asks about (学生食堂生均面积 →
   * 食堂), it speaks of neighbouring indicators, not of this one.
   */
  private restatementHolds(plan: QueryPlan, passage: Answer): boolean {
    const head = plan.head === null ? null : plan.concepts[plan.head];
    if (!head) return true;
    // 编织 typed for 编制 is a dictionary word the typo repair leaves alone; the quote's 编制 still names it.
    const names = (text: string) => conceptIn(text, head) || soundsIn(text, head.forms[0]!);
    const states = (text: string) => this.statesAsked(plan, text);
    // Only the restatement's own quotes: a county document quoted beside it speaks in its own words.
    return passage.quotes.some((q) => {
      if (passage.citations[q.citation]?.kind !== 'restatement') return false;
      const section = normalizeForSearch(passage.citations[q.citation]?.sectionPath.join('\n') ?? '');
      const sentences = normalizeForSearch(q.text).split(SENTENCE_END);
      // The asked figure must be about the head: in the sentence that names it, or anywhere under a heading that does
      // (教室、实验室、图书室 listed in one sentence and 7.5平方米 in the next is not 实验室's area).
      // 每年 asked: the per-year figure, not 5年360学时 beside a 每年 said of something else.
      const inUnits = (t: string) => plan.asked.units.every((u) => u.forms.some((f) => t.includes(f) || section.includes(f)));
      return names(section) ? sentences.some((t) => states(t) && inUnits(t)) : sentences.some((t) => names(t) && states(t) && inUnits(t));
    });
  }

  private notInTheData(plan: QueryPlan, passage: Answer): Answer {
    const head = plan.concepts[plan.head!]!.forms[0]!;
    const fact = { text: `检查清单和标准整理稿里没有“${head}”的国家要求；下面的原文讲的是相近的指标，不是您问的这一项`, source: null, unverified: false, noStandard: true };
    return { ...passage, status: 'partial', reason: { code: 'fact_missing', asked: { kind: 'standard', label: '' } }, facts: [fact] };
  }

  /** The question is about one county's or one document's own facts, or names a place the data does not speak of. */
  private localOrElsewhere(plan: QueryPlan, text: string, documentIsTheData = false): boolean {
    const otherDocument = plan.documentRef !== null && !documentIsTheData;
    return isLocalQuestion(normalQuestion(text, this.names), this.names) || plan.localOnly || otherDocument || plan.concepts.some((c) => c.place || (c.scope && !(documentIsTheData && plan.documentRef?.includes(c.forms[0]!))));
  }

  private fromOverview(plan: QueryPlan, passage: Answer, q: OverviewQuestion): Answer {
    // Where a part is, or which document: the passages found say what the parts hold, which was not asked.
    // A comparison is long already on a phone; the passage found restates one of its facts.
    const bare = q.aspect === 'articles' || q.aspect === 'documents' || q.aspect === 'compare';
    const kept = passage.status === 'answered' && !bare ? { quotes: passage.quotes, citations: passage.citations } : { quotes: [], citations: [] };
    return { question: plan.question, status: 'answered', ...kept, reason: { code: 'answered' }, suggestions: [], facts: overviewFacts(q) };
  }

  /** The text states a figure in the measure and of the kind asked (3台 for 几台, 90平方米 for 多大). */
  private statesAsked(plan: QueryPlan, text: string): boolean {
    return statesMeasure(text, plan.asked.written) && factStated(plan, text, this.lexicon);
  }

  /** Partial: the data speaks of the topic, but not of what was asked; the passage found is kept. */
  private missingStandard(plan: QueryPlan, passage: Answer, kept: Pick<Answer, 'quotes' | 'citations'>, facts: Fact[]): Answer {
    return { question: plan.question, status: 'partial', ...kept, reason: { code: 'fact_missing', asked: { kind: 'standard', label: '' } }, suggestions: passage.suggestions, facts };
  }

  /** What the question asks for that no fact states (按“台”计的数, 面积或规模), or null. */
  private missingInFacts(plan: QueryPlan, facts: readonly Fact[]): string | null {
    if (!facts.some((f) => statesMeasure(f.text, plan.asked.written))) return `按“${plan.asked.measure}”计的数`;
    if (!facts.some((f) => factStated(plan, f.text, this.lexicon))) return `写明${this.lexicon.askedFacts.get(plan.asked.kind!)?.label ?? '您问的内容'}`;
    // 每学期得交流多少老师: the data's rule is per year. Only when a figure is asked (按什么标准拨 asks for the rule).
    const unit = plan.asked.kind === null ? undefined : plan.asked.units.find((u) => !facts.some((f) => u.forms.some((form) => f.text.includes(form))));
    if (unit) return `按“${unit.label}”计的数`;
    return null;
  }

  /**
   * The passage's quotes that speak of what the data answers about: a quote (or its section) naming one of
   * the matched indicators. 特教学校公用经费 answered from the data is not followed by a quote about 培训经费.
   * No indicator matched (a 差异系数 question, a yes/no requirement read from everyday words): every quote stays.
   */
  private relatedQuotes(passage: Answer, q: IndicatorQuestion): Pick<Answer, 'quotes' | 'citations'> {
    const names = q.indicators.flatMap((n) => n.names);
    if (names.length === 0) return { quotes: passage.quotes, citations: passage.citations };
    const speaks = (text: string) => names.some((n) => text.includes(n));
    const quotes = passage.quotes.filter((x) => {
      const c = passage.citations[x.citation];
      return speaks(normalQuestion(x.text, this.names)) || (c !== undefined && speaks(normalQuestion(c.sectionPath.join(' '), this.names)));
    });
    // Citations are renumbered to the quotes kept.
    const citations = [...new Set(quotes.map((x) => x.citation))].map((i) => passage.citations[i]!);
    return { quotes: quotes.map((x) => ({ ...x, citation: citations.indexOf(passage.citations[x.citation]!) })), citations };
  }

  /** When every indicator matched names a stage in its own name and none of the stages asked: what to say, else null. */
  private offStage(q: IndicatorQuestion): string | null {
    if (!q.stageNamed || q.indicators.length === 0) return null;
    const stagesIn = (name: string) => this.names.stages.filter((s) => s.names.some((w) => name.includes(w)));
    const off = q.indicators.every((n) => {
      const own = stagesIn(n.indicator.name);
      return own.length > 0 && !own.some((s) => q.stages.includes(s.stage));
    });
    if (!off) return null;
    const asked = this.names.stages.filter((s) => q.stages.includes(s.stage)).map((s) => s.names[0]!).join('、');
    const items = [...new Set(q.indicators.map((n) => `「${n.indicator.name}」`))].join('、');
    return `${items}说的是${[...new Set(q.indicators.flatMap((n) => stagesIn(n.indicator.name).map((s) => s.names[0]!)))].join('、')}；检查清单里没有${asked}的这一项`;
  }

  /**
   * When the question names people (校长) and every indicator matched is, by its own name, about
   * other people only (教师交流轮岗比例): what to say, else null. 骨干教师 is 教师: names match by inclusion.
   */
  private offGroup(text: string, q: IndicatorQuestion): string | null {
    if (q.indicators.length === 0) return null;
    const groupsIn = (t: string) => this.names.groups.filter((g) => g.names.some((w) => t.includes(w)));
    const asked = groupsIn(text);
    if (asked.length === 0) return null;
    const own = q.indicators.map((n) => groupsIn(n.indicator.name));
    if (!own.every((gs) => gs.length > 0 && !gs.some((g) => asked.includes(g)))) return null;
    const items = [...new Set(q.indicators.map((n) => `「${n.indicator.name}」`))].join('、');
    const about = [...new Set(own.flat().map((g) => g.names[0]!))].join('、');
    return `${items}说的是${about}；检查清单里没有${asked.map((g) => g.names[0]!).join('、')}的这一项`;
  }

  /** `text`: the question as `normalQuestion` reads it. */
  private fromData(plan: QueryPlan, text: string, passage: Answer, q: IndicatorQuestion): Answer {
    // A comparison (这个区方案里的比例和优均的要求一样吗) keeps each side's quote.
    const kept = passage.status !== 'answered' ? { quotes: [], citations: [] } : plan.comparison ? { quotes: passage.quotes, citations: passage.citations } : this.relatedQuotes(passage, q);
    if (q.uncovered) {
      return {
        question: plan.question,
        status: 'partial',
        ...kept,
        reason: { code: 'fact_missing', asked: { kind: 'uncovered', label: q.uncovered } },
        suggestions: passage.suggestions,
        facts: [],
      };
    }
    // 优均的生均图书册数: the item belongs to the other evaluation only; its standard there is not this one's.
    if (q.indicators.length === 0 && q.elsewhere.length > 0 && q.asksValue && q.parts.length === 0 && q.vetoes.length === 0 && q.requirements.length === 0 && !q.balanceAsked) {
      return this.missingStandard(plan, passage, kept, elsewhereFacts(this.checklists, q));
    }
    const summaries = this.evaluations ? q.parts.flatMap((p) => partSummaryFacts(this.evaluations!, p.title)) : [];
    // The stages and the evaluations are the standard line's own words; any other key word the note speaks of brings the note.
    const asked = plan.concepts.filter((c) => c.key && !c.forms.some((f) => this.lineWords.has(f))).map((c) => c.forms[0]!);
    const facts = [...summaries, ...indicatorFacts(this.checklists, q), ...noteFacts(q, asked)];
    if (facts.length === 0) return passage;
    // 小学六年巩固率: the only item is 全县初中三年巩固率, whose own name says it is about another stage.
    // 校长每年交流多少比例: the only item is 教师交流轮岗比例, about other people.
    const off = this.offStage(q) ?? this.offGroup(text, q);
    if (off) {
      const fact = { text: off, source: null, unverified: false, noStandard: true };
      return this.missingStandard(plan, passage, kept, [fact, ...facts]);
    }
    // 出了安全事故是不是一票否决: the checklist lists it, but the source was not read to say so.
    if (vetoUnread(q) && q.indicators.length === 0 && q.parts.length === 0 && q.requirements.length === 0) return this.missingStandard(plan, passage, kept, facts);
    // Only "there is no national value for this" to say: the data speaks of the topic but does not state what was asked.
    if (facts.every((f) => f.noStandard)) {
      // The restatement may still answer (生均几本书 in a worked example): its answer comes first.
      // A county's or school's own figure (图书2441册，生均8册) is no standard: it stays 相关原文.
      const top = passage.citations[passage.quotes[0]?.citation ?? 0];
      if (passage.status === 'answered' && top?.kind === 'restatement') return passage;
      return this.missingStandard(plan, passage, kept, facts);
    }
    // 每间多媒体教室配几台电脑: the item is counted in 间 per 100 students, not in the 台 asked;
    // 每间多大: a count of rooms is no area. The asker's own figures are computed in their measure.
    const missing = q.figures.length === 0 ? this.missingInFacts(plan, facts) : null;
    if (missing) {
      // The restatement may state it in the standards' words; a county's own figure (配备电脑3808台) is no rule.
      const restated = passage.quotes.some((quote) => passage.citations[quote.citation]?.kind === 'restatement' && this.statesAsked(plan, quote.text));
      // 区里要求…最后期限是哪年: put at a level (区里, 县里), the question is answered by that level's own document
      // when it states what the national data does not.
      const ownLevel = plan.levels.length > 0 && passage.quotes.some((quote) => passage.citations[quote.citation]?.kind !== 'restatement' && this.statesAsked(plan, quote.text));
      if (passage.status === 'answered' && (restated || ownLevel)) return passage;
      const fact = { text: `检查清单里的国家要求没有${missing}；下面是清单里相近的规定，不是您问的数`, source: null, unverified: false, noStandard: true };
      return this.missingStandard(plan, passage, kept, [fact, ...facts]);
    }
    return { question: plan.question, status: 'answered', ...kept, reason: { code: 'answered' }, suggestions: [], facts, topic: topicOf(q) };
  }
}
