import { citeRule, formatNumber } from '../checklist/report.js';
import { applySchoolRule, compare } from '../checklist/rules.js';
import type { Checklist, NumericIndicator } from '../checklist/types.js';

export interface QuizQuestion {
  text: string;
  choices: string[];
  correct: number;
  /** Why, with the rule's source. */
  explain: string;
}

const PASS = { pass: true, ratio: 1.1 };

/** A school whose indicators all pass except the given ones, judged by the checklist's own school rule. */
function judgeSchool(c: Checklist, misses: Record<string, number>): ReturnType<typeof applySchoolRule> {
  const rule = c.schoolRule!;
  const results = new Map(rule.indicatorIds.map((id) => [id, misses[id] !== undefined ? { pass: false, ratio: misses[id]! } : PASS]));
  return applySchoolRule(rule, results);
}

/**
 * Four to six questions built from the resource checklist, each answered and
 * explained by the same rule code the checklist uses, so a change in the data
 * changes the quiz.
 */
export function buildQuiz(c: Checklist): QuizQuestion[] {
  const rule = c.schoolRule;
  const numeric = (id: string) => c.indicators.find((i): i is NumericIndicator => i.id === id && i.kind === 'numeric');
  const sport = numeric('sport');
  const equip = numeric('equip');
  const balance = c.balanceRule;
  if (!rule || !sport || sport.thresholds.primary === undefined) return [];
  const questions: QuizQuestion[] = [];
  const source = `依据：${citeRule(rule.source)}`;
  const floorPct = formatNumber(rule.floorRatio * 100);
  const t = sport.thresholds.primary;

  for (const share of [rule.floorRatio + 0.02, rule.floorRatio - 0.05]) {
    const value = Math.round(t * share * 10) / 10;
    const ratio = value / t;
    const verdict = judgeSchool(c, { sport: ratio });
    const ok = verdict.verdict === 'met';
    questions.push({
      text: `一所小学${sport.name} ${formatNumber(value)} ${sport.unit.replace(/\/生$/u, '')}，其余各项都达标，算合格吗？`,
      choices: ['合格', '不合格'],
      correct: ok ? 0 : 1,
      explain: `${ok ? '合格' : '不合格'}：${formatNumber(value)} 是标准 ${formatNumber(t)} 的 ${formatNumber(ratio * 100)}%，${ok ? '不低于' : '低于'} ${floorPct}% 的底线；${rule.indicatorIds.length} 项中 ${verdict.met} 项达标。${source}`,
    });
  }

  const two = rule.indicatorIds.slice(0, 2);
  const twoVerdict = judgeSchool(c, Object.fromEntries(two.map((id) => [id, 0.95])));
  const names = two.map((id) => c.indicators.find((i) => i.id === id)?.name ?? id);
  questions.push({
    text: `一所初中“${names.join('”和“')}”两项没达到标准（都有标准的 95%），其余都达标，算合格吗？`,
    choices: ['合格', '不合格'],
    correct: twoVerdict.verdict === 'met' ? 0 : 1,
    explain: `${twoVerdict.verdict === 'met' ? '合格' : '不合格'}：达标的只有 ${twoVerdict.met} 项，规则要求至少 ${rule.minMet} 项。${source}`,
  });

  if (balance?.limits.primary !== undefined) {
    const limit = balance.limits.primary;
    const value = Math.round((limit - 0.02) * 100) / 100;
    const ok = compare(value, balance.comparator, limit);
    questions.push({
      text: `某县小学“${sport.name}”的校际差异系数是 ${formatNumber(value)}，这一项的校际均衡达标吗？`,
      choices: ['达标', '不达标'],
      correct: ok ? 0 : 1,
      explain: `${ok ? '达标' : '不达标'}：小学每项差异系数的要求是 ${balance.comparator === '<=' ? '不高于' : '低于'} ${formatNumber(limit)}。依据：${citeRule(balance.source)}`,
    });
  }

  if (equip?.thresholds.junior !== undefined && equip.thresholds.primary !== undefined) {
    const right = equip.thresholds.junior;
    const choices = [equip.thresholds.primary, right, right * 1.5].map((v) => `${formatNumber(v)} 元`);
    questions.push({
      text: `初中${equip.name}的标准是多少？`,
      choices,
      correct: 1,
      explain: `初中是 ${formatNumber(right)} 元（小学是 ${formatNumber(equip.thresholds.primary)} 元）。依据：${citeRule(equip.source)}`,
    });
  }
  return questions;
}
