/**
 * The checklist domain. Definitions live in corpus/checklists/*.yaml (parsed
 * by zod in schema.ts, restated in the project's own words from the national
 * documents, every item with its source); the rules in rules.ts are pure.
 */

export type Stage = 'primary' | 'junior';
export const STAGE_NAMES: Readonly<Record<Stage, string>> = { primary: '小学', junior: '初中' };

/** Where a rule comes from, as a citation shows it. */
export interface SourceRef {
  /** e.g. 县域义务教育优质均衡发展督导评估办法 */
  document: string;
  /** 文号, e.g. 教督〔2017〕6号 */
  number: string;
  /** Article or attachment, e.g. 第六条第（五）项 (marked 推定 where inferred). */
  location: string;
}

/** A raw figure a user supplies (在校生数, 体育运动场馆面积 …). */
export interface InputField {
  key: string;
  /** What the user is asked for, in Chinese. */
  name: string;
  /** 人, 平方米, 元, 万元, 间, 个, % … */
  unit: string;
  /** Whole numbers only (people, rooms). */
  integer: boolean;
  /** Where to find the figure, shown with the question. */
  hint?: string;
}

export type Comparator = '>=' | '<=' | '>' | '<';

/** value = (sum of `sum` inputs) / (per, or ceil(per / perCeilDiv)) × scale */
export interface Formula {
  sum: string[];
  per?: string;
  perCeilDiv?: number;
  scale?: number;
}

interface IndicatorBase {
  id: string;
  name: string;
  level: 'school' | 'county';
  source: SourceRef;
  /** The reference could not verify this item (or its figure): the user is told so. */
  unverified: boolean;
  /** Why it is unverified, or how local practice reads it. */
  note?: string;
  /**
   * A 一票否决 item: failing it fails the county whatever else is met (the tour lists these).
   * 'unverified': the checklist lists it as one, but the reference could not read that the source does.
   */
  veto?: boolean | 'unverified';
}

export interface NumericIndicator extends IndicatorBase {
  kind: 'numeric';
  /** Unit of the computed value: 人/百生, 平方米/生, 元/生, 间/百生, %. */
  unit: string;
  formula: Formula;
  /** Readable formula, e.g. 体育运动场馆面积 ÷ 在校生数. */
  formulaText: string;
  /** Per stage (school level) or `county`. */
  thresholds: Partial<Record<Stage | 'county', number>>;
  comparator: Comparator;
}

export interface BooleanIndicator extends IndicatorBase {
  kind: 'boolean';
  /** The yes/no question asked. */
  question: string;
}

export type Indicator = NumericIndicator | BooleanIndicator;

/** 优质均衡 单校规则: at least `minMet` indicators met, the others at least `floorRatio` of their threshold. */
export interface SchoolRule {
  indicatorIds: string[];
  minMet: number;
  floorRatio: number;
  description: string;
  source: SourceRef;
}

/** 校际差异系数 limits: each indicator separately (优质均衡) or their mean (基本均衡 综合差异系数). */
export interface BalanceRule {
  indicatorIds: string[];
  aggregate: 'each' | 'mean';
  limits: Partial<Record<Stage, number>>;
  comparator: Comparator;
  description: string;
  source: SourceRef;
  unverified: boolean;
  note?: string;
}

export interface Checklist {
  /** e.g. youzhi-2017-resource */
  id: string;
  /** e.g. 优质均衡 · 资源配置（学校） */
  name: string;
  /** Short Chinese description shown when the mode is chosen. */
  description: string;
  fields: InputField[];
  indicators: Indicator[];
  schoolRule?: SchoolRule;
  balanceRule?: BalanceRule;
}
