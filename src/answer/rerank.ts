/** A retrieval candidate as the reranker sees it. */
export interface Candidate {
  id: number;
  /** Passage text, search-normalised (NFKC, lower case). */
  text: string;
  /** Document title and section path, search-normalised. */
  heading: string;
  /** Section path only (what this part is about), search-normalised. */
  section: string;
  /** Heading plus section intro and the end of the previous passage, search-normalised. */
  context: string;
  /** 0-based rank in the fused keyword+vector list. */
  fusedRank: number;
}

export interface RerankWeights {
  /** Weight of the concepts found anywhere in the passage (or, discounted, in its context). */
  passage: number;
  /** Weight of the concepts found close together in one window of the passage (or in its context). */
  focus: number;
  /** What a concept found only in the context is worth relative to one in the text. */
  contextShare: number;
  /** What a concept found in the title or section path is worth relative to one in the text. */
  headingShare: number;
  /** Weight of the concepts named by the passage's own section path (it is about them). */
  about: number;
  /** Weight of 1 / (1 + fused rank). */
  prior: number;
}

// Chosen on the dev set and an independent set of 40 colloquial questions, inside a plateau
// (headingShare 0.7, contextShare 0.5; about 0.3 is stable on dev for prior 0.15–0.25).
export const DEFAULT_WEIGHTS: RerankWeights = { passage: 0.5, focus: 1, contextShare: 0.5, headingShare: 0.7, about: 0.3, prior: 0.2 };

/** Width of the window in which an answer's terms are expected together (characters). */
export const FOCUS_WINDOW = 60;

export interface Scored {
  id: number;
  score: number;
  /** IDF share of the question's concepts found in the passage text. */
  coverage: number;
  /** IDF share found within one FOCUS_WINDOW of the passage text. */
  focusCoverage: number;
  /** IDF share found only in the passage's context (title, section, intro, neighbours). */
  contextCoverage: number;
}

interface WeightedConcept {
  forms: readonly string[];
  w: number;
}

/** Largest IDF share of concepts that occur within `width` characters of each other. */
export function bestWindowShare(text: string, concepts: readonly WeightedConcept[], total: number, width = FOCUS_WINDOW): number {
  const hits: { pos: number; end: number; k: number }[] = [];
  concepts.forEach((c, k) => {
    for (const f of c.forms) {
      for (let i = text.indexOf(f); i >= 0; i = text.indexOf(f, i + 1)) hits.push({ pos: i, end: i + f.length, k });
    }
  });
  hits.sort((a, b) => a.pos - b.pos);
  const count = new Map<number, number>();
  let sum = 0;
  let best = 0;
  let lo = 0;
  for (const h of hits) {
    if ((count.get(h.k) ?? 0) === 0) sum += concepts[h.k]!.w;
    count.set(h.k, (count.get(h.k) ?? 0) + 1);
    while (h.end - hits[lo]!.pos > width) {
      const k = hits[lo]!.k;
      count.set(k, count.get(k)! - 1);
      if (count.get(k) === 0) sum -= concepts[k]!.w;
      lo++;
    }
    best = Math.max(best, sum);
  }
  return best / total;
}

/**
 * Orders candidates by how much of the question they contain: IDF-weighted
 * coverage of the question's concepts in the passage and within one short
 * window of it (answers are compact), where concepts the passage's context
 * already supplies (a school named in its section title or intro, a report
 * named in the previous passage) count at a discount, plus a small prior from
 * the fused keyword+vector rank.
 */
export function rerank(
  candidates: readonly Candidate[],
  concepts: readonly { forms: readonly string[] }[],
  idf: (term: string) => number,
  weights: RerankWeights = DEFAULT_WEIGHTS,
): Scored[] {
  // A concept weighs as its most common form: 孩子 matched by 学生 must not count as a rare word.
  const weighted: WeightedConcept[] = concepts.map(({ forms }) => ({ forms, w: Math.min(...forms.map(idf)) }));
  const total = weighted.reduce((s, x) => s + x.w, 0);
  if (total === 0) return candidates.map((c) => ({ id: c.id, score: 0, coverage: 0, focusCoverage: 0, contextCoverage: 0 }));
  const has = (text: string, forms: readonly string[]) => forms.some((f) => text.includes(f));
  return candidates
    .map((c) => {
      const coverage = weighted.reduce((s, x) => s + (has(c.text, x.forms) ? x.w : 0), 0) / total;
      const contextCoverage = weighted.reduce((s, x) => s + (!has(c.text, x.forms) && has(c.context, x.forms) ? x.w : 0), 0) / total;
      const headingCoverage = weighted.reduce((s, x) => s + (!has(c.text, x.forms) && has(c.heading, x.forms) ? x.w : 0), 0) / total;
      const focusCoverage = bestWindowShare(c.text, weighted, total);
      const inherited = weights.headingShare * headingCoverage + weights.contextShare * (contextCoverage - headingCoverage);
      const about = weighted.reduce((s, x) => s + (has(c.section, x.forms) ? x.w : 0), 0) / total;
      const score =
        weights.passage * (coverage + inherited) +
        weights.focus * (focusCoverage + inherited) +
        weights.about * about +
        weights.prior / (1 + c.fusedRank);
      return { id: c.id, score, coverage, focusCoverage, contextCoverage };
    })
    .sort((a, b) => b.score - a.score || a.id - b.id);
}
