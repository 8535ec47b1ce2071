/**
 * How people name the checklist's indicators, stages and their own figures
 * (corpus/checklists/names/indicator-names.yaml): data with a reason per
 * entry, checked by zod and against the loaded checklists.
 */
import path from 'node:path';
import { z } from 'zod';
import { JunhengError } from '../errors.js';
import { defaultYamlParser, issuesText, readBesideChecklists, type YamlParser } from './load.js';
import type { BooleanIndicator, Checklist, Indicator, NumericIndicator, Stage } from './types.js';

const words = z.array(z.string().trim().min(1)).min(1);
const reason = z.string().trim().min(2);

const NamesFileSchema = z.strictObject({
  programs: z.array(z.strictObject({ checklist: z.string().min(1), names: words, reason })),
  indicators: z.array(z.strictObject({ ref: z.string().regex(/^[\w-]+\/[\w-]+$/u), names: words, reason })),
  asks: z.strictObject({ words, reason, notValue: words, notValueReason: reason, ofRate: words, ofRateReason: reason, judge: words, judgeReason: reason }),
  local: z.strictObject({ words, reason, documents: words, documentsReason: reason }),
  figures: z.array(z.strictObject({ field: z.enum(['students', 'classes']), after: words, notAfter: z.array(z.string().min(1)), reason })),
  floor: z.strictObject({ words, reason, failed: words, failedReason: reason }),
  rates: z.strictObject({ words, reason }),
  followUp: z.strictObject({ words, reason }),
  parts: z.array(z.strictObject({ checklist: z.string().min(1), title: z.string().min(1), location: z.string(), names: words, reason })),
  lists: z.strictObject({ words, reason }),
  vetoes: z.array(z.strictObject({ ref: z.string().regex(/^[\w-]+\/[\w-]+$/u), names: words, reason })),
  requirements: z.array(z.strictObject({ refs: z.array(z.string().regex(/^[\w-]+\/[\w-]+$/u)).min(1), names: words, reason })),
  units: z.array(z.strictObject({ unit: z.string().min(1), factor: z.number().positive().optional(), words, reason })),
  stages: z.array(z.strictObject({ stage: z.enum(['primary', 'junior']), names: words, reason })),
  groups: z.array(z.strictObject({ group: z.string().min(1), names: words, reason })),
  uncovered: z.strictObject({ names: words, standardWords: words, reason }),
  balance: z.strictObject({ names: words, reason, meanWords: words, sdWords: words, momentsReason: reason }),
  difference: z.strictObject({ words, reason }),
  compound: z.strictObject({ separators: words, reason }),
});

export type FigureKind = 'students' | 'classes';

export interface NamedIndicator {
  checklist: Checklist;
  indicator: NumericIndicator;
  /** The indicator's own name first, then the everyday names; matched longest first. */
  names: readonly string[];
}

export interface IndicatorNames {
  indicators: readonly NamedIndicator[];
  /** Checklist id → the words naming its evaluation (优质均衡, 基均 …). */
  programs: ReadonlyMap<string, readonly string[]>;
  asks: readonly string[];
  /** Ask words that ask whether something passes (够吗, 能过) rather than for a value. */
  asksNotValue: readonly string[];
  /** Words asking whether the asker's own figure passes (够吗, 达标): a figure equal to a standard is then theirs. */
  asksJudge: readonly string[];
  /** Every standard value of the checklists (thresholds, 差异系数 limits): a figure equal to one, not judged, is the standard quoted. */
  standardValues: ReadonlySet<number>;
  /** Bare figure words (多少, 占多少) that ask an indicator's standard when the indicator is itself a rate. */
  asksOfRate: readonly string[];
  /** Words pointing at one county's or document's own facts (该县, 这几年). */
  local: readonly string[];
  figures: readonly { field: FigureKind; after: readonly string[]; notAfter: readonly string[] }[];
  /** Words asking for the 单校规则's floor (底线, 唯一没达标), and saying an item failed (没达标能过吗). */
  floor: readonly string[];
  /** Words that make a figure a rate (生均, 每百): only such a figure is the indicator's own value. */
  rates: readonly string[];
  /** Words marking a follow-up of the previous indicator question (那初中呢？). */
  followUp: readonly string[];
  /** Parts of an evaluation (资源配置, 教育质量 …): the checklist items whose article starts with `location`. */
  parts: readonly { checklist: Checklist; title: string; location: string; names: readonly string[] }[];
  /** Words asking what a part holds (有哪些, 分别是). */
  lists: readonly string[];
  /** The 一票否决 items, by how people name them. */
  vetoes: readonly { checklist: Checklist; indicator: Indicator; names: readonly string[] }[];
  /** Yes/no items of the checklists (城乡编制标准统一, 国家课程开齐开足), by how people name them. */
  requirements: readonly { checklist: Checklist; indicator: BooleanIndicator; names: readonly string[] }[];
  /** The asker's unit words, longest first, with the checklist unit and factor they stand for (66万 → 660000 元). */
  units: readonly { word: string; unit: string; factor: number }[];
  stages: readonly { stage: Stage; names: readonly string[] }[];
  /** The people an indicator's own name is about (教师, 校长 …), by the words naming them. */
  groups: readonly { group: string; names: readonly string[] }[];
  uncovered: readonly string[];
  /** Words that make a question naming an uncovered stage ask for its standard. */
  uncoveredStandard: readonly string[];
  /** Words naming the 校际差异系数. */
  balance: readonly string[];
  /** Words just before the asker's own weighted mean and standard deviation (加权平均2600，标准差1235), longest first. */
  meanWords: readonly string[];
  sdWords: readonly string[];
  /** Words asking how far apart two standards are (初中比小学高多少). */
  difference: readonly string[];
  /** Words between two mentions that keep them two indicators (骨干教师和交流轮岗): without one, both may name one compound indicator. */
  compoundSeparators: readonly string[];
}

/** Where the names live inside a checklist folder (a sub-folder: the checklist loader reads only the folder's own *.yaml). */
export const NAMES_FILE = path.join('names', 'indicator-names.yaml');

/** Validates the names data; every ref must name a numeric indicator of a loaded checklist. */
export function parseIndicatorNames(raw: unknown, file: string, checklists: readonly Checklist[]): IndicatorNames {
  const parsed = NamesFileSchema.safeParse(raw);
  if (!parsed.success) {
    const where = issuesText(parsed.error);
    throw new JunhengError(`指标名称文件 ${file} 有误：${where}`, `invalid names ${file}: ${parsed.error.message}`, { cause: parsed.error });
  }
  const data = parsed.data;
  const extra = new Map(data.indicators.map((e) => [e.ref, e.names]));
  for (const ref of extra.keys()) {
    const [cid, iid] = ref.split('/');
    const ind = checklists.find((c) => c.id === cid)?.indicators.find((i) => i.id === iid);
    if (!ind || ind.kind !== 'numeric') throw new JunhengError(`指标名称文件 ${file} 里的 ${ref} 不是任何检查清单里的数值指标`, `unknown indicator ${ref}`);
  }
  const indicators: NamedIndicator[] = [];
  for (const checklist of checklists) {
    for (const indicator of checklist.indicators) {
      if (indicator.kind !== 'numeric') continue;
      // 音乐专用教室配备（每12个班级至少1间） is named by the part before its bracket.
      const own = indicator.name.split(/[（(]/u)[0]!.trim();
      indicators.push({ checklist, indicator, names: [...new Set([own, ...(extra.get(`${checklist.id}/${indicator.id}`) ?? [])])] });
    }
  }
  return {
    indicators,
    programs: new Map(data.programs.map((p) => [p.checklist, p.names])),
    asks: data.asks.words,
    asksNotValue: data.asks.notValue,
    asksJudge: data.asks.judge,
    standardValues: new Set(
      checklists.flatMap((c) => [
        ...c.indicators.flatMap((i) => (i.kind === 'numeric' ? Object.values(i.thresholds) : [])),
        ...Object.values(c.balanceRule?.limits ?? {}),
      ]).filter((v): v is number => typeof v === 'number'),
    ),
    asksOfRate: data.asks.ofRate,
    local: [...data.local.words, ...data.local.documents],
    figures: data.figures.map(({ field, after, notAfter }) => ({ field, after: [...after].sort((a, b) => b.length - a.length), notAfter })),
    floor: [...data.floor.words, ...data.floor.failed],
    rates: data.rates.words,
    followUp: data.followUp.words,
    parts: data.parts.map((p) => {
      const checklist = checklists.find((c) => c.id === p.checklist);
      if (!checklist) throw new JunhengError(`指标名称文件 ${file} 里的部分「${p.title}」指向不存在的检查清单 ${p.checklist}`, `unknown checklist ${p.checklist}`);
      return { checklist, title: p.title, location: p.location, names: p.names };
    }),
    lists: data.lists.words,
    vetoes: data.vetoes.map((v) => {
      const [cid, iid] = v.ref.split('/');
      const checklist = checklists.find((c) => c.id === cid);
      const indicator = checklist?.indicators.find((i) => i.id === iid);
      if (!checklist || !indicator?.veto) throw new JunhengError(`指标名称文件 ${file} 里的 ${v.ref} 不是一票否决项`, `not a veto item ${v.ref}`);
      return { checklist, indicator, names: v.names };
    }),
    requirements: data.requirements.flatMap((r) =>
      r.refs.map((ref) => {
        const [cid, iid] = ref.split('/');
        const checklist = checklists.find((c) => c.id === cid);
        const indicator = checklist?.indicators.find((i) => i.id === iid);
        if (!checklist || indicator?.kind !== 'boolean') throw new JunhengError(`指标名称文件 ${file} 里的 ${ref} 不是任何检查清单里的是非项`, `not a boolean item ${ref}`);
        return { checklist, indicator, names: r.names };
      }),
    ),
    units: data.units.flatMap((u) => u.words.map((word) => ({ word, unit: u.unit, factor: u.factor ?? 1 }))).sort((a, b) => b.word.length - a.word.length),
    stages: data.stages.map(({ stage, names }) => ({ stage, names })),
    groups: data.groups.map(({ group, names }) => ({ group, names })),
    uncovered: data.uncovered.names,
    uncoveredStandard: data.uncovered.standardWords,
    balance: data.balance.names,
    meanWords: [...data.balance.meanWords].sort((a, b) => b.length - a.length),
    sdWords: [...data.balance.sdWords].sort((a, b) => b.length - a.length),
    difference: data.difference.words,
    compoundSeparators: data.compound.separators,
  };
}

/** `<checklistDir>/names/indicator-names.yaml`; no file means indicators are known by their own names only. */
export function loadIndicatorNames(checklistDir: string, checklists: readonly Checklist[], parser: YamlParser = defaultYamlParser): IndicatorNames | null {
  const file = readBesideChecklists(checklistDir, NAMES_FILE, '指标名称文件', parser);
  return file ? parseIndicatorNames(file.raw, file.shown, checklists) : null;
}
