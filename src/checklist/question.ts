/**
 * Reads an indicator question: which indicators it names (by their own or
 * everyday names), which stage, whether it asks for a standard, and the
 * asker's own figures (1200 个学生, 26 个班, 生均 6.2 平, a 差异系数 0.52).
 * Pure: the words come from the names data.
 */
import { arabicQuantities } from '../answer/numerals.js';
import { cutWords } from '../index/segment.js';
import type { Topic } from '../answer/types.js';
import type { FigureKind, IndicatorNames, NamedIndicator } from './indicatorNames.js';
import type { Stage } from './types.js';

/** A number the asker gives, in the checklist's unit (66万 → 660000 元), and what it counts when the words say so. */
export interface Figure {
  value: number;
  unit: string | null;
  kind: FigureKind | null;
}

export interface IndicatorQuestion {
  indicators: NamedIndicator[];
  /** The stages asked; both when the question names none. */
  stages: Stage[];
  stageNamed: boolean;
  /** A stage or school type the data does not cover (幼儿园, 高中 …), as the question names it. */
  uncovered: string | null;
  /** The asker's figures in the order given; a rate (每百名, 每12个班) and a year are not figures. */
  figures: Figure[];
  /** A 差异系数 value the asker gives, when the question speaks of the coefficient. */
  coefficient: number | null;
  /** Every 差异系数 value given (基均8项分别是0.52、0.61…), in order. */
  coefficients: number[];
  /** The asker's own weighted mean and standard deviation (加权平均2600，标准差1235): CV = S ÷ X̄ is the one step left. */
  moments: { mean: number; sd: number } | null;
  /** The question speaks of the 差异系数. */
  balanceAsked: boolean;
  /** Checklist ids of the evaluations the question names (优均 → the two 优质均衡 checklists). */
  programs: string[];
  /** The question asks how far apart two standards are (初中比小学高多少). */
  difference: boolean;
  /** An ask word other than an evaluation's name (要求, 要多少 …): 评优均的时候看不看电脑 names 优均 but asks for no value. */
  asksValue: boolean;
  /** Indicators named that belong only to an evaluation the question does not name (优均的生均图书册数: a 基本均衡 item). */
  elsewhere: NamedIndicator[];
  /** The question asks for a standard or requirement, or brings its own figures. */
  asksStandard: boolean;
  /** The question names an evaluation (优均, 基本均衡办法). */
  namesProgram: boolean;
  /** Parts of an evaluation whose items the question asks for (优均资源配置那7项分别是啥). */
  parts: IndicatorNames['parts'][number][];
  /** 一票否决 items the question names (分了重点班会怎样). */
  vetoes: IndicatorNames['vetoes'][number][];
  /** Yes/no requirements the question names (国家课程开不起, 作业太多). */
  requirements: IndicatorNames['requirements'][number][];
  /** The question is about one county's or document's own facts (该县2020年…, 县里这几年…). */
  local: boolean;
  /** The question speaks of a rate (生均, 每百): a lone figure is the indicator's value, not a count. */
  rate: boolean;
  /** The question asks for the 单校规则's floor (唯一没达标的那一项最低能到多少). */
  asksFloor: boolean;
}

const NUMBER = /\d+(?:\.\d+)?/gu;

function figuresOf(text: string, names: IndicatorNames, named: readonly { at: number; end: number }[]): Figure[] {
  const out: Figure[] = [];
  for (const m of text.matchAll(NUMBER)) {
    // 5年360学时 names the indicator; its numbers are not the asker's.
    if (named.some((s) => m.index >= s.at && m.index < s.end)) continue;
    const before = text.slice(0, m.index);
    const after = text.slice(m.index + m[0].length).trimStart();
    if (/每\s*$/u.test(before) || /^年/u.test(after)) continue;
    // 老师340人 counts teachers: the words just before the number decide against a student count.
    const near = before.slice(-4);
    const kind = names.figures.find((f) => f.after.some((a) => after.startsWith(a)) && !f.notAfter.some((w) => near.includes(w)))?.field ?? null;
    const unit = names.units.find((u) => after.startsWith(u.word));
    out.push({ value: Number(m[0]) * (unit?.factor ?? 1), unit: unit?.unit ?? null, kind });
  }
  return out;
}

/**
 * 残疾儿童入学率 / 小学骨干教师: the question is nothing but an indicator's name, with a stage or an
 * evaluation at most. Typed like a search, it asks what the indicator must reach.
 */
function onlyNames(text: string, spans: readonly { at: number; end: number; named: NamedIndicator }[], names: IndicatorNames): boolean {
  if (spans.length === 0) return false;
  const pieces: string[] = [];
  let from = 0;
  for (const s of spans) {
    pieces.push(text.slice(from, Math.max(from, s.at)));
    from = Math.max(from, s.end);
  }
  pieces.push(text.slice(from));
  const words = [...names.stages.flatMap((s) => s.names), ...[...names.programs.values()].flat()].sort((a, b) => b.length - a.length);
  // 残疾儿童 named, 入学率 after it: the rest of the indicator's own name (全县残疾儿童少年入学率) is no other word.
  const ownNames = spans.map((s) => s.named.indicator.name);
  return pieces.every((piece) => {
    let rest = piece;
    for (const w of words) rest = rest.replaceAll(w, '');
    rest = rest.replace(/[^\p{L}\p{N}]/gu, '').replace(/^(的|之)+|(的|之)+$/gu, '');
    return rest === '' || ownNames.some((n) => n.includes(rest));
  });
}

/** The indicators named, longest name first, each stretch of the question naming one indicator per checklist. */
function indicatorsNamed(text: string, names: IndicatorNames): { named: NamedIndicator; at: number; end: number }[] {
  const hits: { at: number; end: number; named: NamedIndicator; length: number }[] = [];
  for (const named of names.indicators) {
    for (const name of named.names) {
      const at = text.indexOf(name);
      if (at >= 0) hits.push({ at, end: at + name.length, named, length: name.length });
    }
  }
  hits.sort((a, b) => b.length - a.length || a.at - b.at);
  const taken: { at: number; end: number; named: NamedIndicator }[] = [];
  for (const h of hits) {
    if (taken.some((t) => t.named === h.named)) continue;
    // A shorter name inside a longer one already taken (教学仪器 inside 生均教学仪器设备值) is the same mention.
    const inside = taken.filter((t) => h.at < t.end && t.at < h.end);
    // 音乐教室 names both the rooms per 12 classes and each room's area: the same words, two indicators (the figures choose below).
    const coNamed = inside.length > 0 && inside.every((t) => t.at === h.at && t.end === h.end);
    if (!coNamed && inside.some((t) => t.named.checklist.id === h.named.checklist.id || t.end - t.at > h.length)) continue;
    taken.push(h);
  }
  return compounds(text, taken, names).sort((a, b) => a.at - b.at);
}

/**
 * Two mentions whose words both stand in one other indicator's own name name
 * that indicator: 交流轮岗的老师里骨干 is 交流轮岗教师中骨干教师的比例, not the
 * rotation rate and the backbone teachers per hundred students. A separator
 * between them (骨干教师和交流轮岗各要多少) keeps them two.
 */
function compounds(text: string, taken: readonly { at: number; end: number; named: NamedIndicator }[], names: IndicatorNames): { at: number; end: number; named: NamedIndicator }[] {
  let best: { named: NamedIndicator; parts: typeof taken } | null = null;
  for (const named of names.indicators) {
    if (taken.some((t) => t.named === named)) continue;
    const parts = taken.filter((t) => named.indicator.name.includes(text.slice(t.at, t.end)));
    const from = Math.min(...parts.map((t) => t.at));
    const to = Math.max(...parts.map((t) => t.end));
    const between = text.slice(from, to);
    if (parts.length >= 2 && !names.compoundSeparators.some((w) => between.includes(w)) && (best === null || parts.length > best.parts.length)) best = { named, parts };
  }
  if (best === null) return [...taken];
  const { named, parts } = best;
  const merged = { at: Math.min(...parts.map((t) => t.at)), end: Math.max(...parts.map((t) => t.end)), named };
  return [...taken.filter((t) => !parts.includes(t)), merged];
}

/**
 * Of indicators named by the same words (音乐教室: rooms per 12 classes, each
 * room's area), those the asker's figures fit (100平 → the area, 26个班 → the
 * rooms); all of them when the figures fit none or there are none.
 */
function byFigures(indicators: NamedIndicator[], spans: readonly { named: NamedIndicator; at: number; end: number }[], figures: readonly Figure[]): NamedIndicator[] {
  const fits = (n: NamedIndicator) =>
    figures.some((f) => (f.unit !== null && f.unit === n.indicator.unit.split('/')[0]) || (f.kind === 'classes' && n.indicator.formula.per === 'classes'));
  const spanOf = (n: NamedIndicator) => spans.find((s) => s.named === n);
  return indicators.filter((n) => {
    const s = spanOf(n);
    const group = s ? indicators.filter((m) => { const o = spanOf(m); return o !== undefined && o.at === s.at && o.end === s.end; }) : [n];
    return group.length < 2 || !group.some(fits) || fits(n);
  });
}

/** NFKC, and Chinese quantities in digits before the asker's unit words (一千二百名 → 1200名). */
export function normalQuestion(question: string, names: IndicatorNames): string {
  const measures = [...new Set([...names.figures.flatMap((f) => f.after), ...names.units.map((u) => u.word)])];
  return arabicQuantities(question.normalize('NFKC'), measures);
}

/** The number just after one of `words` (加权平均2600 → 2600), or null. */
function numberAfter(text: string, words: readonly string[]): number | null {
  for (const w of words) {
    const at = text.indexOf(w);
    if (at < 0) continue;
    const m = /^[^\d]{0,3}?(\d+(?:\.\d+)?)/u.exec(text.slice(at + w.length));
    if (m) return Number(m[1]);
  }
  return null;
}

/** The question is about one county's or one document's own facts (该县2020年…, 县里这几年…). `text` is normalised. */
export function isLocalQuestion(text: string, names: IndicatorNames): boolean {
  return names.local.some((w) => text.includes(w)) || /(?:19|20)\d{2}\s*年/u.test(text);
}

/** 加权平均2600元，加权标准差1235: both numbers, or null. */
function moments(text: string, names: IndicatorNames): { mean: number; sd: number } | null {
  const sd = numberAfter(text, names.sdWords);
  // 标准差 holds no mean word, but 加权标准差 must not be read as 加权平均's number: drop the sd words first.
  const mean = numberAfter(names.sdWords.reduce((t, w) => t.split(w).join('　'), text), names.meanWords);
  return sd !== null && mean !== null ? { mean, sd } : null;
}

/** Null when the question names no indicator and no 差异系数. */
export function readIndicatorQuestion(question: string, names: IndicatorNames): IndicatorQuestion | null {
  const text = normalQuestion(question, names);
  const spans = indicatorsNamed(text, names);
  let indicators = spans.map((s) => s.named);
  const programs = programsIn(text, names);
  // 优均/基均 named: only that evaluation's indicators; none named: one with standards is preferred over one without.
  let elsewhere: NamedIndicator[] = [];
  if (programs.length > 0) {
    const inNamed = indicators.filter((n) => programs.includes(n.checklist.id));
    // The same indicator in the named evaluation (生均教学及辅助用房面积 in both) is no mismatch.
    elsewhere = indicators.filter((n) => !programs.includes(n.checklist.id) && !inNamed.some((m) => m.indicator.name === n.indicator.name));
    indicators = inNamed;
  }
  else {
    const withStandard = indicators.filter((n) => Object.keys(n.indicator.thresholds).length > 0);
    const names_ = new Set(withStandard.map((n) => n.indicator.name));
    indicators = indicators.filter((n) => Object.keys(n.indicator.thresholds).length > 0 || !names_.has(n.indicator.name));
  }
  const balance = names.balance.some((w) => text.includes(w));
  // 优质高中招生名额分配 names 高中 itself: a word the matched indicator's own name holds is not an uncovered stage.
  const uncovered = names.uncovered.find((w) => text.includes(w) && !indicators.some((n) => n.indicator.name.includes(w))) ?? null;
  const asksUncovered = uncovered !== null && names.uncoveredStandard.some((w) => text.includes(w));
  const listing = names.lists.some((w) => text.includes(w));
  const parts = listing ? names.parts.filter((p) => p.names.some((w) => text.includes(w)) && (programs.length === 0 || programs.includes(p.checklist.id))) : [];
  const vetoes = names.vetoes.filter((v) => v.names.some((w) => text.includes(w)));
  const requirements = names.requirements.filter((r) => r.names.some((w) => text.includes(w)) && (programs.length === 0 || programs.includes(r.checklist.id)));
  // 那7项分别是啥 asks for the list, not for one indicator the words happen to name.
  if (parts.length > 0) indicators = [];
  if (indicators.length === 0 && elsewhere.length === 0 && requirements.length === 0 && !balance && !asksUncovered && parts.length === 0 && vetoes.length === 0) return null;

  const stages = names.stages.filter((s) => s.names.some((w) => text.includes(w))).map((s) => s.stage);
  // 差异系数是0.5还是0.45: figures that all equal standards, with no word asking whether they pass, are the standards quoted.
  const given = figuresOf(text, names, spans);
  const quoted = given.length > 0 && given.every((f) => names.standardValues.has(f.value)) && !names.asksJudge.some((w) => text.includes(w));
  const figures = quoted ? [] : given;
  indicators = byFigures(indicators, spans, figures);
  const bare = figures.filter((f) => f.unit === null && f.value > 0 && f.value < 1).map((f) => f.value);
  return {
    indicators,
    stages: stages.length > 0 ? stages : ['primary', 'junior'],
    stageNamed: stages.length > 0,
    uncovered,
    figures,
    coefficient: balance && bare.length > 0 ? bare[0]! : null,
    coefficients: balance ? bare : [],
    moments: moments(text, names),
    balanceAsked: balance,
    programs,
    difference: names.difference.some((w) => text.includes(w)),
    elsewhere,
    asksValue: names.asks.some((w) => text.includes(w) && ![...names.programs.values()].some((p) => p.includes(w))),
    asksStandard: names.asks.some((w) => text.includes(w)) || figures.length > 0 || parts.length > 0 || vetoes.length > 0 || onlyNames(text, spans, names),
    parts,
    vetoes,
    requirements,
    namesProgram: programs.length > 0,
    asksFloor: names.floor.some((w) => text.includes(w)),
    local: isLocalQuestion(text, names),
    rate: names.rates.some((w) => text.includes(w)),
  };
}

/**
 * The evaluations a question names while asking for a value of theirs
 * (优质均衡对心理健康教师的配备比例有什么规定): checklist ids, empty when it
 * names none or asks nothing of them. `text` is normalised.
 */
export function evaluationAsked(text: string, names: IndicatorNames): string[] {
  const programWords = [...names.programs.values()].flat();
  if (!names.asks.some((w) => text.includes(w) && !programWords.includes(w) && !names.asksNotValue.includes(w))) return [];
  return programsIn(text, names);
}

/** The checklists whose evaluation the normalised text names (优均 → the 优质均衡 ones). */
function programsIn(text: string, names: IndicatorNames): string[] {
  return [...names.programs].filter(([, words]) => words.some((w) => text.includes(w))).map(([id]) => id);
}

/** The question as plain data, kept so that a follow-up can build on it. */
export function topicOf(q: IndicatorQuestion): Topic {
  return {
    kind: 'indicator',
    indicators: q.indicators.map((n) => `${n.checklist.id}/${n.indicator.id}`),
    stages: [...q.stages],
    stageNamed: q.stageNamed,
    figures: q.figures.map((f) => ({ ...f })),
    ...(q.balanceAsked && q.indicators.length === 0 ? { balance: { programs: [...q.programs] } } : {}),
  };
}

/**
 * A follow-up's question before what it names: the previous stages unless it names its own, the
 * standard asked, nothing listed. Callers set what the follow-up changes.
 */
function followUpBase(previous: Topic, stagesNamed: Stage[]): IndicatorQuestion {
  return {
    indicators: [],
    stages: stagesNamed.length > 0 ? stagesNamed : previous.stages,
    stageNamed: stagesNamed.length > 0 || previous.stageNamed,
    uncovered: null,
    figures: [],
    coefficient: null,
    coefficients: [],
    moments: null,
    balanceAsked: false,
    programs: [],
    difference: false,
    elsewhere: [],
    asksValue: true,
    asksStandard: true,
    parts: [],
    vetoes: [],
    requirements: [],
    namesProgram: false,
    local: false,
    asksFloor: false,
    rate: false,
  };
}

/**
 * The question holds a follow-up word (那初中呢, 要是1500人呢). A one-character word only as a word of its own:
 * 那 in 那个县 points at a place, it does not go on from the last answer.
 */
function asksOnFrom(text: string, names: IndicatorNames): boolean {
  const words = names.followUp.filter((w) => text.includes(w));
  if (words.length === 0) return false;
  if (words.some((w) => w.length > 1)) return true;
  const cut = new Set(cutWords(text));
  return words.some((w) => cut.has(w));
}

/**
 * A follow-up of the previous indicator question (那初中呢？, 如果是1500人呢？,
 * 体艺老师呢？): what it names replaces the previous indicator, stage or
 * figure of the same kind; the rest carries over. Null when the question
 * is not a follow-up (no follow-up word, or a whole new question).
 */
export function followUpQuestion(question: string, previous: Topic, names: IndicatorNames): IndicatorQuestion | null {
  const text = normalQuestion(question, names);
  if (!asksOnFrom(text, names)) return null;
  const current = readIndicatorQuestion(question, names);
  const stagesNamed = names.stages.filter((s) => s.names.some((w) => text.includes(w))).map((s) => s.stage);
  const figures = current?.figures ?? figuresOf(text, names, []);
  const named = current?.indicators ?? [];
  // A new indicator together with its own stage or figures is a new question, not a follow-up.
  if (named.length > 0 && (stagesNamed.length > 0 || figures.length > 0)) return null;
  // After a 差异系数 answer, 那基本均衡呢 asks the other evaluation's rule.
  const programsNamed = programsIn(text, names);
  const balance = previous.balance && named.length === 0 && figures.length === 0 ? previous.balance : null;
  if (balance && (programsNamed.length > 0 || stagesNamed.length > 0)) {
    return { ...followUpBase(previous, stagesNamed), balanceAsked: true, programs: programsNamed.length > 0 ? programsNamed : balance.programs, namesProgram: true };
  }
  if (named.length === 0 && stagesNamed.length === 0 && figures.length === 0) return null;
  const indicators =
    named.length > 0 ? named : previous.indicators.flatMap((ref) => names.indicators.filter((n) => `${n.checklist.id}/${n.indicator.id}` === ref));
  if (indicators.length === 0) return null;
  const kinds = new Set(figures.map((f) => `${f.kind}|${f.unit}`));
  return {
    ...followUpBase(previous, stagesNamed),
    indicators,
    uncovered: current?.uncovered ?? null,
    figures: [...figures, ...previous.figures.filter((f) => !kinds.has(`${f.kind}|${f.unit}`))],
    coefficient: current?.coefficient ?? null,
    coefficients: current?.coefficients ?? [],
    moments: current?.moments ?? null,
    balanceAsked: current?.balanceAsked ?? false,
    programs: current?.programs ?? [],
    difference: current?.difference ?? false,
    asksFloor: current?.asksFloor ?? false,
    rate: current?.rate ?? false,
  };
}
