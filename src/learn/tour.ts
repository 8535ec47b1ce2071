import { sentencesOf } from '../answer/quote.js';
import { citeRule, formatNumber } from '../checklist/report.js';
import { weightedCV } from '../checklist/rules.js';
import { STAGE_NAMES, type Checklist, type NumericIndicator, type Stage } from '../checklist/types.js';
import type { StoredPassage } from '../index/store.js';
import { citationLine } from '../present/citation.js';

/**
 * The guided tour for newcomers. The tour's own words carry no facts: every
 * figure, count and rule it shows is either rendered from the checklist data
 * (corpus/checklists, each with its source) or quoted from a passage of the
 * standards restatement in the corpus, cited the way answers are.
 */
export interface TourContext {
  checklists: readonly Checklist[];
  /** The passage of the restatement under a heading containing this text. */
  section: (heading: string) => StoredPassage | undefined;
}

export interface TourPage {
  text: string;
  /** Passages quoted on the page (for 查看原文 and for checking figures). */
  quoted: StoredPassage[];
}

export interface TourStep {
  id: string;
  title: string;
  /** Words added to a 我有问题 question so the answerer knows what the step is about. */
  topic: string;
  page(ctx: TourContext): TourPage;
  example?(ctx: TourContext): TourPage;
}

const RESOURCE = 'youzhi-2017-resource';
const COUNTY = 'youzhi-2017-county';

function checklist(ctx: TourContext, id: string): Checklist | undefined {
  return ctx.checklists.find((c) => c.id === id);
}

/** The first sentences of a section (up to ~160 characters: a phone screen per step), quoted and cited. */
function quote(ctx: TourContext, heading: string, n: number): { lines: string[]; passage?: StoredPassage } {
  const p = ctx.section(heading);
  if (!p) return { lines: [`（资料库里没有找到“${heading}”这一节，这一步只显示清单数据。）`] };
  const picked: string[] = [];
  for (const s of sentencesOf(p.text)) {
    if (picked.join('').length + s.length > 160 && picked.length > 0) break;
    picked.push(s);
  }
  return { lines: [`“${picked.join('')}”[${n}]`, citationLine(n, p)], passage: p };
}

function page(parts: (string | { lines: string[]; passage?: StoredPassage })[]): TourPage {
  const quoted: StoredPassage[] = [];
  const lines: string[] = [];
  for (const part of parts) {
    if (typeof part === 'string') lines.push(part);
    else {
      lines.push(...part.lines);
      if (part.passage) quoted.push(part.passage);
    }
  }
  return { text: lines.join('\n'), quoted };
}

/** The county checklist's items whose ids start with `prefix`, as lines under a heading. */
function countyItems(ctx: TourContext, prefix: string, heading: string, withSource: boolean): string[] {
  const items = checklist(ctx, COUNTY)?.indicators.filter((i) => i.id.startsWith(prefix)) ?? [];
  if (items.length === 0) return [];
  return [heading, ...items.map((i) => `· ${i.name}${i.unverified ? '（未核实）' : ''}${withSource ? `（${citeRule(i.source)}）` : ''}`)];
}

const cmp = (c: string) => (c === '>=' ? '≥' : c === '<=' ? '≤' : c);

function thresholdLine(ind: NumericIndicator): string {
  const stages = (['primary', 'junior'] as Stage[])
    .filter((s) => ind.thresholds[s] !== undefined)
    .map((s) => `${STAGE_NAMES[s]} ${cmp(ind.comparator)} ${formatNumber(ind.thresholds[s]!)}`);
  return `· ${ind.name}：${stages.join('，')} ${ind.unit}${ind.unverified ? '（未核实）' : ''}`;
}

/** Inputs of the worked 差异系数 example, as stated in the restatement's 算例 section (cited on the page). */
export const CV_EXAMPLE = [
  { school: '甲校', students: 600, value: 2500 },
  { school: '乙校', students: 300, value: 1500 },
  { school: '丙校', students: 100, value: 1200 },
];

/** The weighted mean and 差异系数 of the example, by the checklist's own code. */
export function cvExample(): { mean: number; cv: number } {
  const total = CV_EXAMPLE.reduce((s, x) => s + x.students, 0);
  const mean = CV_EXAMPLE.reduce((s, x) => s + x.students * x.value, 0) / total;
  return { mean, cv: weightedCV(CV_EXAMPLE.map((x) => ({ value: x.value, students: x.students })))! };
}

export const TOUR: readonly TourStep[] = [
  {
    id: 'two-levels',
    title: '基本均衡和优质均衡',
    topic: '基本均衡 优质均衡',
    page: (ctx) =>
      page(['先认识两份文件：', quote(ctx, '（一）基本均衡办法', 1), quote(ctx, '（二）优质均衡办法', 2), '两者的先后关系，见下一步的申报条件。']),
  },
  {
    id: 'apply',
    title: '县里怎么申报',
    topic: '优质均衡 申报条件 认定',
    page: (ctx) => page([quote(ctx, '（一）申报条件', 1), ...countyItems(ctx, 'pre', '自查清单里对应的前提：', true)]),
  },
  {
    id: 'four-parts',
    title: '优质均衡看哪四个方面',
    topic: '优质均衡 资源配置 政府保障程度 教育质量 社会认可度',
    page: (ctx) => page([quote(ctx, '（二）四个方面共32项指标', 1), '其中资源配置是逐校检查的，下一步细看。']),
  },
  {
    id: 'school-rule',
    title: '学校资源配置指标和达标规则',
    topic: '资源配置 指标 单校达标规则',
    page: (ctx) => {
      const c = checklist(ctx, RESOURCE);
      if (!c) return page(['（自查清单没有加载。）']);
      const numeric = c.indicators.filter((i): i is NumericIndicator => i.kind === 'numeric');
      const rule = c.schoolRule;
      return page([
        `每所学校都要看这 ${numeric.length} 项：`,
        ...numeric.map(thresholdLine),
        ...(rule ? [`达标规则：${rule.indicatorIds.length} 项中至少 ${rule.minMet} 项达到标准，其余的不低于标准的 ${formatNumber(rule.floorRatio * 100)}%。`, `依据：${citeRule(rule.source)}`] : []),
      ]);
    },
    example: (ctx) => {
      const c = checklist(ctx, RESOURCE);
      const sport = c?.indicators.find((i): i is NumericIndicator => i.id === 'sport' && i.kind === 'numeric');
      const rule = c?.schoolRule;
      if (!c || !sport || !rule || sport.thresholds.primary === undefined) return page(['（自查清单没有加载。）']);
      const t = sport.thresholds.primary;
      // Exact, not rounded: a school at 6.376 passes a 6.375 floor.
      const floor = Number((t * rule.floorRatio).toFixed(4));
      return page([
        `举个例子：小学的${sport.name}标准是 ${formatNumber(t)} ${sport.unit}，按 ${formatNumber(rule.floorRatio * 100)}% 的底线是 ${floor}。`,
        `如果一所小学只有这一项没达到、但不低于 ${floor}，其余都达标，就算合格；低于 ${floor} 就不合格。`,
        `依据：${citeRule(rule.source)}`,
      ]);
    },
  },
  {
    id: 'cv',
    title: '什么是差异系数',
    topic: '差异系数 计算',
    page: (ctx) => {
      const balance = checklist(ctx, RESOURCE)?.balanceRule;
      return page([
        quote(ctx, '（一）按在校生数加权的公式', 1),
        ...(balance
          ? [`优质均衡要求${balance.aggregate === 'each' ? '每一项指标' : '各项平均'}的差异系数：${(['primary', 'junior'] as Stage[]).filter((s) => balance.limits[s] !== undefined).map((s) => `${STAGE_NAMES[s]} ${cmp(balance.comparator)} ${formatNumber(balance.limits[s]!)}`).join('，')}。依据：${citeRule(balance.source)}`]
          : []),
      ]);
    },
    example: (ctx) => {
      const { mean, cv } = cvExample();
      const q = quote(ctx, '（二）算例', 1);
      return page([
        '用资料里的算例现场算一遍（和自查用的是同一段程序）：',
        ...CV_EXAMPLE.map((x) => `· ${x.school}：${x.students} 人，生均 ${x.value} 元`),
        `全县平均 X̄ = ${formatNumber(mean)} 元，差异系数 CV ≈ ${cv.toFixed(4)}。`,
        { lines: q.lines.slice(1), passage: q.passage },
      ]);
    },
  },
  {
    id: 'veto',
    title: '一票否决',
    topic: '一票否决',
    page: (ctx) => page([quote(ctx, '（三）一票否决情形', 1), ...countyItems(ctx, 'veto', '自查清单里的对应项：', false)]),
  },
  {
    id: 'prepare',
    title: '学校怎么准备',
    topic: '学校自查 准备',
    page: () =>
      page([
        '准备时最实用的是先按清单自查一遍：逐项填本校数据，每项马上告诉您是否达标、依据哪一条，最后给出报告和差距。',
        '点“跳到自查”即可开始；县里可以直接发送全校数据表，算出各校达标情况和差异系数。学完这一轮，还有一个小测验。',
      ]),
  },
];
