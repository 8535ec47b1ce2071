/**
 * The two evaluations as wholes (corpus/checklists/evaluations/evaluations.yaml):
 * their parts with the documents' item counts, the 申报条件, and the words
 * that ask about them. Questions like 优均由哪几部分构成 / 基均和优均有啥不一样 /
 * 什么县可以申报优均 are answered from here and from the checklists' own
 * rules, whole, instead of from whichever passage matches best.
 */
import path from 'node:path';
import { z } from 'zod';
import type { Fact } from '../answer/types.js';
import { JunhengError } from '../errors.js';
import { defaultYamlParser, issuesText, readBesideChecklists, type YamlParser } from './load.js';
import { citeRule } from './report.js';
import type { Checklist, Indicator, SourceRef } from './types.js';

const words = z.array(z.string().trim().min(1)).min(1);
const reason = z.string().trim().min(2);
const source = z.strictObject({ document: z.string().min(1), number: z.string().min(1), location: z.string().min(1) });

const EvaluationsFileSchema = z.strictObject({
  evaluations: z
    .array(
      z.strictObject({
        id: z.string().min(1),
        name: z.string().min(1),
        names: words,
        source,
        unverified: z.boolean(),
        parts: z
          .array(
            z.strictObject({
              title: z.string().min(1),
              count: z.number().int().positive().optional(),
              location: z.string().min(1),
              summary: z.string().min(1),
              rules: z.array(z.string().min(1)),
              unverified: z.boolean(),
              reason,
            }),
          )
          .min(1),
        prerequisites: z.array(z.string().regex(/^[\w-]+\/[\w-]+$/u)),
        reason,
      }),
    )
    .min(1),
  structure: z.strictObject({ words, reason }),
  compare: z.strictObject({ words, reason }),
  prerequisites: z.strictObject({ words, reason }),
  documents: z.strictObject({ words, reason }),
  articles: z.strictObject({ words, reason }),
});

export interface EvaluationPart {
  title: string;
  /** The document's own item count (7, 15 …); absent for a part that is one requirement. */
  count?: number;
  location: string;
  summary: string;
  /** Checklists whose 单校规则 and 差异系数 rule belong to this part. */
  rules: readonly Checklist[];
  unverified: boolean;
}

export interface Evaluation {
  id: string;
  name: string;
  names: readonly string[];
  source: SourceRef;
  unverified: boolean;
  parts: readonly EvaluationPart[];
  prerequisites: readonly Indicator[];
}

export interface Evaluations {
  evaluations: readonly Evaluation[];
  structure: readonly string[];
  compare: readonly string[];
  prerequisites: readonly string[];
  /** Words asking for the evaluation's own document: its full name and 文号. */
  documents: readonly string[];
  /** Words asking in which article a part is (第几条, 哪一条). */
  articles: readonly string[];
}

export const EVALUATIONS_FILE = path.join('evaluations', 'evaluations.yaml');

/** Validates the evaluations data; every checklist and item it names must be loaded. */
export function parseEvaluations(raw: unknown, file: string, checklists: readonly Checklist[]): Evaluations {
  const parsed = EvaluationsFileSchema.safeParse(raw);
  if (!parsed.success) {
    const where = issuesText(parsed.error);
    throw new JunhengError(`评估框架文件 ${file} 有误：${where}`, `invalid evaluations ${file}: ${parsed.error.message}`, { cause: parsed.error });
  }
  const checklist = (id: string) => {
    const c = checklists.find((x) => x.id === id);
    if (!c) throw new JunhengError(`评估框架文件 ${file} 指向不存在的检查清单 ${id}`, `unknown checklist ${id}`);
    return c;
  };
  const data = parsed.data;
  return {
    evaluations: data.evaluations.map((e) => ({
      id: e.id,
      name: e.name,
      names: e.names,
      source: e.source,
      unverified: e.unverified,
      parts: e.parts.map((p) => ({ title: p.title, ...(p.count !== undefined ? { count: p.count } : {}), location: p.location, summary: p.summary, rules: p.rules.map(checklist), unverified: p.unverified })),
      prerequisites: e.prerequisites.map((ref) => {
        const [cid, iid] = ref.split('/');
        const item = checklist(cid!).indicators.find((i) => i.id === iid);
        if (!item) throw new JunhengError(`评估框架文件 ${file} 里的申报条件 ${ref} 不在检查清单里`, `unknown item ${ref}`);
        return item;
      }),
    })),
    structure: data.structure.words,
    compare: data.compare.words,
    prerequisites: data.prerequisites.words,
    documents: data.documents.words,
    articles: data.articles.words,
  };
}

/** `<checklistDir>/evaluations/evaluations.yaml`; no file means such questions are answered from passages only. */
export function loadEvaluations(checklistDir: string, checklists: readonly Checklist[], parser: YamlParser = defaultYamlParser): Evaluations | null {
  const file = readBesideChecklists(checklistDir, EVALUATIONS_FILE, '评估框架文件', parser);
  return file ? parseEvaluations(file.raw, file.shown, checklists) : null;
}

export type OverviewAspect = 'structure' | 'compare' | 'prerequisites' | 'documents' | 'articles';

export interface OverviewQuestion {
  aspect: OverviewAspect;
  evaluations: readonly Evaluation[];
  /** The parts asked about by their titles (articles: 资源配置和教育质量分别是第几条). */
  parts?: readonly { evaluation: Evaluation; part: EvaluationPart }[];
}

/**
 * A question about an evaluation as a whole, or null. Comparing needs both
 * evaluations named; the structure needs one named (评估分哪几部分 alone could
 * be any document's); 申报条件 goes to the evaluations that have some. Pure.
 */
export function readOverviewQuestion(text: string, data: Evaluations): OverviewQuestion | null {
  const has = (list: readonly string[]) => list.some((w) => text.includes(w));
  const named = data.evaluations.filter((e) => has(e.names));
  // 资源配置和教育质量分别是第几条: the parts named by their titles, in the evaluations named (any, when none is).
  if (has(data.articles)) {
    const parts = (named.length > 0 ? named : data.evaluations).flatMap((e) => e.parts.filter((p) => text.includes(p.title)).map((part) => ({ evaluation: e, part })));
    if (parts.length > 0) return { aspect: 'articles', evaluations: [...new Set(parts.map((p) => p.evaluation))], parts };
  }
  // 基均和优均的办法文号分别是啥: the documents themselves, before any comparison of their content.
  if (named.length > 0 && has(data.documents)) return { aspect: 'documents', evaluations: named };
  if (named.length >= 2 && has(data.compare)) return { aspect: 'compare', evaluations: named };
  if (has(data.prerequisites)) {
    const withPre = (named.length > 0 ? named : data.evaluations).filter((e) => e.prerequisites.length > 0);
    if (withPre.length > 0) return { aspect: 'prerequisites', evaluations: withPre };
  }
  if (named.length > 0 && has(data.structure)) return { aspect: 'structure', evaluations: named };
  return null;
}

const at = (e: Evaluation, location: string): SourceRef => ({ ...e.source, location });

function fact(text: string, src: SourceRef | null, unverified: boolean): Fact {
  return { text, source: src ? citeRule(src) : null, unverified };
}

/** 优质均衡从 4 个方面评估，合计 32 项指标：资源配置 7 项、… （7+15+9+1=32）. */
function leadFact(e: Evaluation): Fact {
  const counts = e.parts.map((p) => p.count);
  const all = counts.every((c) => c !== undefined);
  const total = all ? counts.reduce((s, c) => s + c!, 0) : null;
  const list = e.parts.map((p) => `${p.title}${p.count !== undefined ? ` ${p.count} 项` : ''}`).join('、');
  const sum = total !== null ? `（${counts.join('+')}=${total}）` : '';
  return fact(`${e.name}从 ${e.parts.length} 个方面评估${total !== null ? `，合计 ${total} 项指标` : ''}：${list}${sum}`, e.source, e.unverified);
}

/** One part: what it covers, and the rules its checklists carry (单校规则, 差异系数), quoted from the checklist data. */
function partFact(e: Evaluation, p: EvaluationPart): Fact {
  const rules = p.rules.flatMap((c) => [c.schoolRule?.description, c.balanceRule?.description].filter((d): d is string => Boolean(d)));
  const unverified = p.unverified || p.rules.some((c) => c.balanceRule?.unverified === true);
  const head = `${e.name} · ${p.title}${p.count !== undefined ? `（${p.count} 项）` : ''}`;
  return fact(`${head}：${p.summary}${rules.length > 0 ? `。${rules.join(' ')}` : ''}`, at(e, p.location), unverified);
}

function prerequisiteFact(e: Evaluation): Fact {
  const first = e.prerequisites[0]!;
  const items = e.prerequisites.map((i) => i.name).join('；');
  return fact(`申报${e.name}须同时具备：${items}`, first.source, e.prerequisites.some((i) => i.unverified));
}

/** What a part of an evaluation covers, for a list of its checklist items titled `${evaluation} · ${part}`. */
export function partSummaryFacts(data: Evaluations, title: string): Fact[] {
  return data.evaluations.flatMap((e) => e.parts.filter((p) => `${e.name} · ${p.title}` === title).map((p) => partFact(e, p)));
}

/** The facts answering an overview question, each with its source. */
export function overviewFacts(q: OverviewQuestion): Fact[] {
  if (q.aspect === 'prerequisites') return q.evaluations.map(prerequisiteFact);
  // The fact names the document and its 文号 itself: a 依据 line would only repeat them.
  if (q.aspect === 'articles') {
    return (q.parts ?? []).map(({ evaluation: e, part: p }) => fact(`${e.name} · ${p.title}：规定在${p.location}`, at(e, p.location), p.unverified || e.unverified));
  }
  if (q.aspect === 'documents') return q.evaluations.map((e) => fact(`${e.name}的评估文件：《${e.source.document}》（${e.source.number}）`, null, false));
  if (q.aspect === 'structure') return q.evaluations.flatMap((e) => [leadFact(e), ...e.parts.map((p) => partFact(e, p)), ...(e.prerequisites.length > 0 ? [prerequisiteFact(e)] : [])]);
  // Comparing: each evaluation's frame, the parts whose rules differ (单校规则, 逐项 vs 综合差异系数), and who may apply.
  return q.evaluations.flatMap((e) => [
    leadFact(e),
    ...e.parts.filter((p) => p.rules.length > 0).map((p) => partFact(e, p)),
    ...(e.prerequisites.length > 0 ? [prerequisiteFact(e)] : []),
  ]);
}
