import { sentencesOf } from '../answer/quote.js';
import { buildReport, citeRule, formatNumber, rowText } from '../checklist/report.js';
import { applySchoolRule, compare, weightedCV } from '../checklist/rules.js';
import { STAGE_NAMES, type BalanceRule, type Checklist, type Indicator, type NumericIndicator, type Stage } from '../checklist/types.js';
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
const JIBEN = 'jiben-2012';

function checklist(ctx: TourContext, id: string): Checklist | undefined {
  return ctx.checklists.find((c) => c.id === id);
}

/**
 * The first sentences of a section, quoted and cited: up to `maxChars`
 * (~160: a phone screen per step), or its whole first paragraph when a cut
 * would break what it states (a formula).
 */
function quote(ctx: TourContext, heading: string, n: number, extent: { maxChars: number } | 'paragraph' = { maxChars: 160 }): { lines: string[]; passage?: StoredPassage } {
  const p = ctx.section(heading);
  if (!p) return { lines: [`（资料库里没有找到“${heading}”这一节，这一步只显示清单数据。）`] };
  if (extent === 'paragraph') return { lines: [`“${p.text.split('\n')[0]!.trim()}”[${n}]`, citationLine(n, p)], passage: p };
  const picked: string[] = [];
  for (const s of sentencesOf(p.text)) {
    if (picked.join('').length + s.length > extent.maxChars && picked.length > 0) break;
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

/** The county checklist's items that `pick` selects, as lines under a heading. */
function countyItems(ctx: TourContext, pick: (i: Indicator) => boolean, heading: string, withSource: boolean): string[] {
  const items = checklist(ctx, COUNTY)?.indicators.filter(pick) ?? [];
  if (items.length === 0) return [];
  return [heading, ...items.map((i) => `· ${i.name}${i.unverified ? '（未核实）' : ''}${withSource ? `（${citeRule(i.source)}）` : ''}`)];
}

/** The 一票否决 items, as the county checklist marks them: the one list step 6 and the checklist share. */
export function vetoItems(checklists: readonly Checklist[]): Indicator[] {
  return checklists.find((c) => c.id === COUNTY)?.indicators.filter((i) => Boolean(i.veto)) ?? [];
}

const cmp = (c: string) => (c === '>=' ? '≥' : c === '<=' ? '≤' : c);

/** 小学 ≤ 0.5，初中 ≤ 0.45 */
function limitsText(b: BalanceRule): string {
  return (['primary', 'junior'] as Stage[])
    .filter((s) => b.limits[s] !== undefined)
    .map((s) => `${STAGE_NAMES[s]} ${cmp(b.comparator)} ${formatNumber(b.limits[s]!)}`)
    .join('，');
}

/** How 基本均衡 and 优质均衡 judge a county, each line rendered from its checklist's rules. */
function levelsCompared(ctx: TourContext): string[] {
  const jiben = checklist(ctx, JIBEN);
  const youzhi = checklist(ctx, RESOURCE);
  const lines: string[] = [];
  const jb = jiben?.balanceRule;
  if (jiben && jb) {
    const noStandards = jb.indicatorIds.every((id) => {
      const ind = jiben.indicators.find((i) => i.id === id);
      return ind?.kind === 'numeric' && Object.keys(ind.thresholds).length === 0;
    });
    lines.push(
      `· 基本均衡（${jb.source.number}）：只看学校之间的差距。${jb.indicatorIds.length} 项指标各算差异系数，${jb.aggregate === 'mean' ? `再取平均（综合差异系数）` : '逐项判断'}，${limitsText(jb)}${jb.unverified ? '（此标准未经核实）' : ''}${noStandards ? '；这些指标没有国家统一的单项达标值，不逐校判定。' : '。'}`,
    );
  }
  const rule = youzhi?.schoolRule;
  const yb = youzhi?.balanceRule;
  if (rule && yb) {
    lines.push(
      `· 优质均衡（${yb.source.number}）：差距和水平都看。${rule.indicatorIds.length} 项资源配置指标逐校判定，至少 ${rule.minMet} 项达标、其余不低于标准的 ${formatNumber(rule.floorRatio * 100)}%；差异系数${yb.aggregate === 'each' ? '每一项都要' : '平均要'}${limitsText(yb)}。`,
    );
  }
  return lines.length > 0 ? ['两者的区别（取自自查清单的数据）：', ...lines] : [];
}

/** 甲校 of the worked example as the self-check shows it: the figures it would type and the verdict line, by the checklist's code. */
function exampleSchoolRow(c: Checklist, equip: NumericIndicator): { figures: string; row: string } | undefined {
  const school = CV_EXAMPLE[0]!;
  const [valueField] = equip.formula.sum;
  const per = equip.formula.per;
  const field = c.fields.find((f) => f.key === valueField);
  const perField = c.fields.find((f) => f.key === per);
  if (!field || !perField || equip.formula.sum.length !== 1) return undefined;
  const typed = (school.value * school.students) / (equip.formula.scale ?? 1);
  const report = buildReport(c, 'primary', { [perField.key]: { status: 'value', value: school.students }, [field.key]: { status: 'value', value: typed } });
  const row = report.rows.find((r) => r.indicator.id === equip.id);
  if (!row || row.status === 'missing') return undefined;
  return { figures: `${perField.name} ${school.students} ${perField.unit}、${field.name} ${formatNumber(typed)} ${field.unit}`, row: rowText(row, 'primary') };
}

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
      page([
        '先认识两份文件：',
        quote(ctx, '（一）基本均衡办法', 1, { maxChars: 80 }),
        quote(ctx, '（二）优质均衡办法', 2, { maxChars: 80 }),
        ...levelsCompared(ctx),
        '两者的先后关系，见下一步的申报条件。',
      ]),
    example: (ctx) => {
      const c = checklist(ctx, RESOURCE);
      const jb = checklist(ctx, JIBEN)?.balanceRule;
      const equip = c?.indicators.find((i): i is NumericIndicator => i.id === 'equip' && i.kind === 'numeric');
      const rule = c?.schoolRule;
      const balance = c?.balanceRule;
      const t = equip?.thresholds.primary;
      const limit = balance?.limits.primary;
      if (!c || !jb || !equip || !rule || !balance || t === undefined || limit === undefined) return page(['（自查清单没有加载。）']);
      const { cv } = cvExample();
      const floor = Number((t * rule.floorRatio).toFixed(4));
      const others = rule.indicatorIds.filter((id) => id !== equip.id);
      // Each school judged by the school rule with every other indicator met: below the floor fails whatever the rest.
      const verdicts = CV_EXAMPLE.map((x) => {
        const ratio = x.value / t;
        const results = new Map([...others.map((id) => [id, { pass: true, ratio: 1 }] as const), [equip.id, { pass: compare(x.value, equip.comparator, t), ratio }] as const]);
        return { ...x, met: applySchoolRule(rule, results).verdict === 'met' };
      });
      const failing = verdicts.filter((v) => !v.met);
      const q = quote(ctx, '（二）算例', 1);
      return page([
        `举个例子：资料算例里的 ${CV_EXAMPLE.length} 所小学，看${equip.name}——`,
        `· 按基本均衡：这一项的差异系数 CV ≈ ${cv.toFixed(4)}，${jb.aggregate === 'mean' ? `和另外 ${jb.indicatorIds.length - 1} 项取平均后再对照标准` : '逐项对照标准'}，不逐校对照标准值。`,
        `· 按优质均衡：差异系数 ${cv.toFixed(4)} ${compare(cv, balance.comparator, limit) ? `${cmp(balance.comparator)} ${formatNumber(limit)}，这一项校际均衡达标` : `超过 ${formatNumber(limit)}，校际均衡不达标`}；但每所学校还要对照标准 ${formatNumber(t)} ${equip.unit}（底线 ${floor} ${equip.unit}）${failing.length ? `：${failing.map((v) => `${v.school} ${v.value}`).join('、')} ${equip.unit}低于底线，其余各项都达标也不合格` : '，都不低于底线'}。`,
        { lines: q.lines.slice(1), passage: q.passage },
      ]);
    },
  },
  {
    id: 'apply',
    title: '县里怎么申报',
    topic: '优质均衡 申报条件 认定',
    page: (ctx) => page([quote(ctx, '（一）申报条件', 1), ...countyItems(ctx, (i) => i.id.startsWith('pre'), '自查清单里对应的前提：', true)]),
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
        // The whole paragraph: the formula ends with CV = S / X̄ and says what S and X̄ are.
        quote(ctx, '（一）按在校生数加权的公式', 1, 'paragraph'),
        ...(balance ? [`优质均衡要求${balance.aggregate === 'each' ? '每一项指标' : '各项平均'}的差异系数：${limitsText(balance)}。依据：${citeRule(balance.source)}`] : []),
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
    page: (ctx) => page([quote(ctx, '（三）一票否决情形', 1), ...countyItems(ctx, (i) => Boolean(i.veto), '自查清单里的一票否决项：', false)]),
    example: (ctx) => {
      const item = vetoItems(ctx.checklists).find((i) => i.kind === 'boolean' && !i.unverified);
      if (!item) return page(['（自查清单没有加载。）']);
      return page([
        `举个例子：一个县别的指标全部达标，只要自查清单里“${item.name}”这一项答了“否”，就是一票否决，全县不能通过认定。`,
        `依据：${citeRule(item.source)}`,
      ]);
    },
  },
  {
    id: 'prepare',
    title: '学校怎么准备',
    topic: '学校自查 准备',
    page: () =>
      page([
        '准备时最实用的是先按清单自查一遍：逐项填本校数据，每项马上告诉您是否达标、依据哪一条，最后给出报告和差距。',
        '点“跳到自查”即可开始；县里可以直接发送全县学校数据表，算出各校达标情况和差异系数。学完这一轮，还有一个小测验。',
      ]),
    example: (ctx) => {
      const c = checklist(ctx, RESOURCE);
      const equip = c?.indicators.find((i): i is NumericIndicator => i.id === 'equip' && i.kind === 'numeric');
      const shown = c && equip ? exampleSchoolRow(c, equip) : undefined;
      if (!shown) return page(['（自查清单没有加载。）']);
      const q = quote(ctx, '（二）算例', 1);
      return page([
        `举个例子：资料算例里的${CV_EXAMPLE[0]!.school}，自查时填入${shown.figures}，马上看到（和自查用的是同一段程序）：`,
        shown.row,
        { lines: q.lines.slice(1), passage: q.passage },
      ]);
    },
  },
];
