/**
 * zod schemas for corpus/checklists/*.yaml, mirroring types.ts. Strict: unknown
 * keys are rejected, ids and field keys are unique, every formula key is a
 * declared field, and the school/balance rules name numeric school indicators.
 * `parseChecklist` turns every problem into a JunhengError whose Chinese
 * message names the file and the place in it.
 */
import { z } from 'zod';
import { JunhengError } from '../errors.js';
import type { Checklist } from './types.js';

const text = z.string().trim().min(1);
const positive = z.number().finite().positive();

export const ComparatorSchema = z.enum(['>=', '<=', '>', '<']);
export const StageSchema = z.enum(['primary', 'junior']);

export const SourceRefSchema = z.strictObject({
  document: text,
  number: text,
  location: text,
});

export const InputFieldSchema = z.strictObject({
  key: z.string().regex(/^[a-z][a-z0-9_]*$/, { message: '字段键只能用小写字母、数字和下划线，并以字母开头' }),
  name: text,
  unit: text,
  integer: z.boolean(),
  hint: text.optional(),
});

export const FormulaSchema = z.strictObject({
  sum: z.array(text).min(1),
  per: text.optional(),
  perCeilDiv: positive.optional(),
  scale: positive.optional(),
});

const indicatorBase = {
  id: z.string().regex(/^[a-z][a-z0-9_]*$/, { message: '指标 id 只能用小写字母、数字和下划线，并以字母开头' }),
  name: text,
  level: z.enum(['school', 'county']),
  source: SourceRefSchema,
  unverified: z.boolean(),
  note: text.optional(),
  veto: z.union([z.boolean(), z.literal('unverified')]).optional(),
};

export const NumericIndicatorSchema = z.strictObject({
  ...indicatorBase,
  kind: z.literal('numeric'),
  unit: text,
  formula: FormulaSchema,
  formulaText: text,
  thresholds: z.strictObject({
    primary: positive.optional(),
    junior: positive.optional(),
    county: positive.optional(),
  }),
  comparator: ComparatorSchema,
});

export const BooleanIndicatorSchema = z.strictObject({
  ...indicatorBase,
  kind: z.literal('boolean'),
  question: text,
});

export const IndicatorSchema = z.discriminatedUnion('kind', [NumericIndicatorSchema, BooleanIndicatorSchema]);

export const SchoolRuleSchema = z.strictObject({
  indicatorIds: z.array(text).min(1),
  minMet: z.number().int().positive(),
  floorRatio: z.number().finite().gt(0).lte(1),
  description: text,
  source: SourceRefSchema,
});

export const BalanceRuleSchema = z.strictObject({
  indicatorIds: z.array(text).min(1),
  aggregate: z.enum(['each', 'mean']),
  limits: z.strictObject({ primary: positive.optional(), junior: positive.optional() }),
  comparator: ComparatorSchema,
  description: text,
  source: SourceRefSchema,
  unverified: z.boolean(),
  note: text.optional(),
});

const ChecklistBaseSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, { message: '清单 id 只能用小写字母、数字和连字符' }),
  name: text,
  description: text,
  fields: z.array(InputFieldSchema).min(1),
  indicators: z.array(IndicatorSchema).min(1),
  schoolRule: SchoolRuleSchema.optional(),
  balanceRule: BalanceRuleSchema.optional(),
});

type ChecklistShape = z.infer<typeof ChecklistBaseSchema>;

function duplicates(values: readonly string[]): string[] {
  const seen = new Set<string>();
  const dup = new Set<string>();
  for (const v of values) (seen.has(v) ? dup : seen).add(v);
  return [...dup];
}

/** Cross-reference checks that a per-object schema cannot express. */
function checkReferences(c: ChecklistShape, ctx: z.RefinementCtx): void {
  const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: 'custom', path, message });

  for (const d of duplicates(c.fields.map((f) => f.key))) issue(['fields'], `字段键「${d}」重复`);
  for (const d of duplicates(c.indicators.map((i) => i.id))) issue(['indicators'], `指标 id「${d}」重复`);

  const fields = new Map(c.fields.map((f) => [f.key, f]));
  const indicators = new Map(c.indicators.map((i) => [i.id, i]));

  c.indicators.forEach((ind, n) => {
    if (ind.kind !== 'numeric') return;
    const f = ind.formula;
    f.sum.forEach((key, k) => {
      if (!fields.has(key)) issue(['indicators', n, 'formula', 'sum', k], `公式引用了未声明的字段「${key}」`);
    });
    if (f.per !== undefined && !fields.has(f.per)) {
      issue(['indicators', n, 'formula', 'per'], `公式引用了未声明的字段「${f.per}」`);
    }
    if (f.perCeilDiv !== undefined && f.per === undefined) {
      issue(['indicators', n, 'formula', 'perCeilDiv'], 'perCeilDiv 只能与 per 一起使用');
    }
    const keys = Object.keys(ind.thresholds);
    if (ind.level === 'county' && keys.some((k) => k !== 'county')) {
      issue(['indicators', n, 'thresholds'], '县级指标的标准值只能写在 county 下');
    }
    if (ind.level === 'school' && keys.includes('county')) {
      issue(['indicators', n, 'thresholds'], '学校指标的标准值应按学段（primary / junior）填写，不能写 county');
    }
  });

  const checkRuleIds = (rule: 'schoolRule' | 'balanceRule', ids: readonly string[]) => {
    for (const d of duplicates(ids)) issue([rule, 'indicatorIds'], `指标 id「${d}」重复列出`);
    ids.forEach((id, k) => {
      const ind = indicators.get(id);
      if (!ind) issue([rule, 'indicatorIds', k], `规则引用了不存在的指标「${id}」`);
      else if (ind.kind !== 'numeric') issue([rule, 'indicatorIds', k], `规则引用的指标「${id}」不是数值指标`);
      else if (ind.level !== 'school') issue([rule, 'indicatorIds', k], `规则引用的指标「${id}」不是学校层面的指标`);
    });
  };
  if (c.schoolRule) {
    checkRuleIds('schoolRule', c.schoolRule.indicatorIds);
    if (c.schoolRule.minMet > c.schoolRule.indicatorIds.length) {
      issue(['schoolRule', 'minMet'], `minMet（${c.schoolRule.minMet}）大于规则中的指标数（${c.schoolRule.indicatorIds.length}）`);
    }
  }
  if (c.balanceRule) {
    checkRuleIds('balanceRule', c.balanceRule.indicatorIds);
    if (Object.keys(c.balanceRule.limits).length === 0) issue(['balanceRule', 'limits'], '没有填写任何学段的差异系数标准');
  }
}

export const ChecklistSchema: z.ZodType<Checklist> = ChecklistBaseSchema.superRefine(checkReferences);

/** Both directions: the schema's output is exactly the types.ts contract. */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const _sameShape: Same<ChecklistShape, Checklist> = true;
void _sameShape;

/** `indicators[3]（room）.formula.sum[0]` — the place an issue points to, with the item's id when known. */
function describePath(path: readonly PropertyKey[], raw: unknown): string {
  if (path.length === 0) return '文件顶层';
  let out = '';
  let node: unknown = raw;
  for (const seg of path) {
    if (typeof seg === 'number') {
      out += `[${seg}]`;
      node = Array.isArray(node) ? node[seg] : undefined;
      const id = node && typeof node === 'object' ? (node as Record<string, unknown>).id ?? (node as Record<string, unknown>).key : undefined;
      if (typeof id === 'string') out += `（${id}）`;
    } else {
      const s = String(seg);
      out += out ? `.${s}` : s;
      node = node && typeof node === 'object' ? (node as Record<string, unknown>)[s] : undefined;
    }
  }
  return out;
}

const TYPE_NAMES: Record<string, string> = {
  object: '“键: 值”形式的对象',
  array: '列表',
  string: '文字',
  number: '数字',
  boolean: 'true 或 false',
};

/** Whether the last key of `path` is absent from its parent in the raw input. */
function isAbsent(path: readonly PropertyKey[], raw: unknown): boolean {
  if (path.length === 0) return raw === undefined;
  let node: unknown = raw;
  for (const seg of path.slice(0, -1)) {
    if (!node || typeof node !== 'object') return false;
    node = (node as Record<PropertyKey, unknown>)[seg];
  }
  if (!node || typeof node !== 'object') return false;
  return !Object.prototype.hasOwnProperty.call(node, path[path.length - 1]!);
}

function describeIssue(issue: z.core.$ZodIssue, raw: unknown): string {
  if (issue.code !== 'custom' && issue.code !== 'unrecognized_keys' && isAbsent(issue.path, raw)) return '缺少必填项';
  switch (issue.code) {
    case 'custom':
      return issue.message;
    case 'unrecognized_keys':
      return `有不认识的键：${issue.keys.map((k) => `「${k}」`).join('、')}`;
    case 'invalid_value':
      return `取值不对，只能是 ${issue.values.map((v) => String(v)).join(' / ')}`;
    case 'invalid_union':
      return issue.discriminator === 'kind' ? 'kind 只能是 numeric 或 boolean' : '格式不符合任何一种允许的写法';
    case 'invalid_type':
      return `类型不对，应为${TYPE_NAMES[issue.expected] ?? issue.expected}`;
    case 'too_small':
      if (issue.origin === 'array') return '列表不能为空';
      if (issue.origin === 'string') return '不能为空';
      return `数值应${issue.inclusive ? '不小于' : '大于'} ${String(issue.minimum)}`;
    case 'too_big':
      return `数值应${issue.inclusive ? '不大于' : '小于'} ${String(issue.maximum)}`;
    case 'invalid_format':
      return issue.message.startsWith('Invalid') ? '格式不对' : issue.message;
    default:
      return issue.message;
  }
}

const MAX_PROBLEMS_SHOWN = 8;

/** Validates one parsed YAML document; `file` is named in the error shown to the user. */
export function parseChecklist(raw: unknown, file: string): Checklist {
  const result = ChecklistSchema.safeParse(raw);
  if (result.success) return result.data;
  const issues = result.error.issues;
  const problems = issues.slice(0, MAX_PROBLEMS_SHOWN).map((i) => `${describePath(i.path, raw)}：${describeIssue(i, raw)}`);
  if (issues.length > MAX_PROBLEMS_SHOWN) problems.push(`另有 ${issues.length - MAX_PROBLEMS_SHOWN} 处问题`);
  throw new JunhengError(
    `清单定义文件 ${file} 有误：${problems.join('；')}`,
    `invalid checklist ${file}: ${issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    { cause: result.error },
  );
}
