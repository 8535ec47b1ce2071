import type { PassageIndex } from '../index/reader.js';
import type { StoredPassage } from '../index/store.js';
import { TermStats } from '../index/termStats.js';
import { decide, missingFromQuotes, type Decision } from './answerability.js';
import { quotedSectionPath } from './citation.js';
import { candidateFeatures, conceptWeight, documentLevels, missingScope, unknownKeyShare, type CandidateFeatures, type CandidateTexts, type ChannelRanks } from './features.js';
import { loadLexicon, type Lexicon } from './lexicon.js';
import { everydayForms, planQuery, type Concept, type QueryPlan } from './plan.js';
import { quoteText, selectSentences } from './quote.js';
import { rerank, type Ranked } from './rank.js';
import { fuse, recall, type RecallLists } from './recall.js';
import { loadTuning, type Tuning } from './tuning.js';
import { rerankCandidates, type Reranker } from './rerankRemote.js';
import { repairTypos, Vocabulary } from './typo.js';
import type { Answer, Answerer, AskedFact, Citation, Quote, Suggestion } from './types.js';

/** A fused candidate with everything the later steps read. */
export interface PreparedCandidate {
  id: number;
  texts: CandidateTexts;
  ranks: ChannelRanks;
  features: CandidateFeatures;
}

/** Steps 1–3 of a question: independent of the fitted tuning, so the fitting script computes them once. */
export interface Prepared {
  plan: QueryPlan;
  recall: RecallLists;
  candidates: PreparedCandidate[];
  unknownKeyShare: number;
  unknownScope: string[];
}

/** Steps 4–5. */
export interface Outcome {
  ranked: Ranked<PreparedCandidate>[];
  decision: Decision;
}

export interface AnswerDiagnostics {
  plan: QueryPlan;
  recall: RecallLists;
  ranked: { id: number; score: number; features: CandidateFeatures }[];
  decision: Decision;
}

export interface PipelineOptions {
  lexicon?: Lexicon;
  tuning?: Tuning;
  /** A /rerank service (RERANK_*): reorders the fitted ranking's top before answerability. */
  reranker?: Reranker | null;
}

/**
 * The answerer the chat and `npm run eval` use: no model, no network. It
 * quotes the sentences that answer, exactly as the documents write them,
 * and cites where they stand; every figure it shows is in a cited passage.
 *
 *   1. plan     — QueryPlan: repaired, plain and expanded query, concepts, asked fact and unit
 *   2. recall   — jieba-word BM25, character-bigram BM25, vectors
 *   3. fuse     — union with per-channel ranks; candidate features
 *   4. rerank   — fitted linear score (then the RERANK_* service's order, when one is configured)
 *   5. decide   — answerability (fitted, calibrated) and answered / partial / not_found
 *   6. quote    — the answering sentences and their citations
 */
export class AnswerPipeline implements Answerer {
  readonly lexicon: Lexicon;
  readonly tuning: Tuning;
  readonly stats: TermStats;
  private readonly vocabulary: Vocabulary;
  private readonly reranker: Reranker | null;
  private readonly documentLevels = new Map<string, ReadonlyMap<string, number>>();

  constructor(readonly index: PassageIndex, options: PipelineOptions = {}) {
    this.lexicon = options.lexicon ?? loadLexicon();
    this.tuning = options.tuning ?? loadTuning();
    this.reranker = options.reranker ?? null;
    this.stats = new TermStats(index);
    // Heading words count too: people name a document by its title (整改方案) where its text never repeats it.
    this.vocabulary = Vocabulary.build([...index.vocabulary(), ...this.stats.headingVocabulary()], this.lexicon.pipeline.typo, { passages: this.stats.passageCount });
  }

  async answer(question: string): Promise<Answer> {
    return (await this.explain(question)).answer;
  }

  async explain(question: string, tuning: Tuning = this.tuning): Promise<{ answer: Answer; diagnostics: AnswerDiagnostics }> {
    const prepared = await this.prepare(question);
    const outcome = await this.decideReranked(prepared, tuning);
    return {
      answer: this.compose(prepared, outcome),
      diagnostics: {
        plan: prepared.plan,
        recall: prepared.recall,
        ranked: outcome.ranked.slice(0, this.lexicon.pipeline.answerDepth).map(({ id, score, features }) => ({ id, score, features })),
        decision: outcome.decision,
      },
    };
  }

  async prepare(question: string): Promise<Prepared> {
    const lexicon = this.lexicon;
    const df = (t: string) => this.stats.df(t);
    const idf = (t: string) => this.stats.idf(t);
    // 1. plan
    const plan = planQuery(question, { lexicon, repair: (q) => repairTypos(q, this.vocabulary, df, everydayForms(lexicon)), df, passages: this.stats.passageCount });
    // 2. recall
    const lists = await recall(this.index, plan.expanded, lexicon.pipeline, { df, passages: this.stats.passageCount });
    // 3. fuse, and read each candidate once
    // 该县…/这个区的方案…: the restatement of the national standards speaks of no county; only documents may answer.
    const candidates = fuse(lists, lexicon.pipeline.rrfK).flatMap((f) => {
      const terms = this.stats.passage(f.id);
      if (!terms || (plan.localOnly && terms.kind === 'restatement')) return [];
      const texts = { ...terms, levels: this.levelsOf(terms.source) };
      return [{ id: f.id, texts, ranks: f.ranks, features: candidateFeatures(plan, texts, f.ranks, idf, lexicon, f.shares) }];
    });
    const unknown = (c: Concept) => this.unknownToCorpus(c);
    // Only places and organisations decide alone: colloquial words the documents never use (挪窝, 家当) are common in answerable questions.
    const unknownScope = plan.concepts.filter((c) => c.place && unknown(c)).map((c) => c.forms[0]!);
    return { plan, recall: lists, candidates, unknownKeyShare: unknownKeyShare(plan, df, idf), unknownScope };
  }

  /** The document's words for itself by administrative level, computed once per document. */
  private levelsOf(source: string): ReadonlyMap<string, number> {
    let levels = this.documentLevels.get(source);
    if (!levels) {
      // A document says 我县 all through it: its first passages tell (a 100 000-passage corpus is not scanned at a question).
      levels = documentLevels(this.stats.textsOf(source).slice(0, this.lexicon.pipeline.levelSample), this.lexicon.adminLevels);
      this.documentLevels.set(source, levels);
    }
    return levels;
  }

  decide(prepared: Prepared, tuning: Tuning = this.tuning): Outcome {
    // 4. rerank
    return this.judge(prepared, rerank(prepared.candidates, tuning.rerank), tuning);
  }

  /** decide(), with the rerank service's order over the fitted ranking's top when one is configured. */
  async decideReranked(prepared: Prepared, tuning: Tuning = this.tuning): Promise<Outcome> {
    if (!this.reranker) return this.decide(prepared, tuning);
    const ranked = await rerankCandidates(this.reranker, prepared.plan.repaired, rerank(prepared.candidates, tuning.rerank), (c) => c.texts.text);
    return this.judge(prepared, ranked, tuning);
  }

  private judge(prepared: Prepared, ranked: Outcome['ranked'], tuning: Tuning): Outcome {
    // 5. answerability
    const decision = decide({ plan: prepared.plan, ranked, unknownKeyShare: prepared.unknownKeyShare, unknownScope: prepared.unknownScope }, tuning, this.lexicon);
    // The passage the answer leads with is the result: answerability picked it over higher ones for stating what
    // was asked (or for being from the document named); two questions in one message and comparisons lead with
    // the passage of each part, in the order they are quoted.
    if (decision.status === 'not_found') return { ranked, decision };
    const leads = this.picks(prepared, ranked, decision.chosen).map((p) => p.candidate);
    return { ranked: [...leads, ...ranked.filter((r) => !leads.includes(r))], decision: { ...decision, chosen: 0 } };
  }

  /** The rerank service's model id, for eval and bench labels; null when none is configured. */
  get rerankModel(): string | null {
    return this.reranker?.model ?? null;
  }

  /** 6. quote: the structured answer. */
  compose(prepared: Prepared, { ranked, decision }: Outcome): Answer {
    const { plan } = prepared;
    const understood = plan.repairs.map(({ from, to }) => ({ from, to }));
    const base = { question: plan.question, suggestions: this.suggestions(ranked), ...(understood.length > 0 ? { understood } : {}) };
    if (decision.status === 'not_found') {
      const reason =
        decision.reason === 'scope_missing' ? { code: 'scope_missing' as const, missing: decision.missing } : { code: decision.reason };
      return { ...base, status: 'not_found', quotes: [], citations: [], reason };
    }
    const picks = this.picks(prepared, ranked, decision.chosen);
    const quotes: Quote[] = [];
    const citations: Citation[] = [];
    for (const { candidate, concepts } of picks) {
      const passage = this.index.passage(candidate.id);
      if (!passage) continue;
      const quote = selectSentences(passage.text, plan, (t) => this.stats.idf(t), this.lexicon, concepts);
      if (quote.sentences.length === 0) continue;
      const text = quoteText(passage.text, quote.sentences);
      quotes.push({ text, citation: citations.length });
      citations.push(citationOf(passage, text));
    }
    if (quotes.length === 0) return { ...base, status: 'not_found', quotes, citations, reason: { code: 'no_match' } };
    const unshown = decision.status === 'answered' ? missingFromQuotes(plan, quotes.map((q) => q.text), this.lexicon) : null;
    if (unshown) return { ...base, status: 'partial', quotes, citations, reason: { code: 'fact_missing', asked: this.unknownOr(unshown, plan) }, suggestions: [] };
    const reason =
      decision.status === 'partial'
        ? { code: 'fact_missing' as const, asked: this.unknownOr(this.askedOf(decision.asked, plan, ranked[decision.chosen]!), plan) }
        : { code: 'answered' as const };
    return { ...base, status: decision.status, quotes, citations, reason, suggestions: [] };
  }

  /**
   * A partial answer to a question whose key nouns no passage holds (校医) says those words are missing from
   * the documents, not that the documents skip a figure about them; a missing place or item stays as it is.
   */
  private unknownOr(asked: AskedFact, plan: QueryPlan): AskedFact {
    if (['scope', 'items', 'unit', 'years'].includes(asked.kind)) return asked;
    const unknown = plan.concepts.filter((c) => c.key && c.noun && !c.scope && this.unknownToCorpus(c));
    return unknown.length > 0 ? { kind: 'unknown', label: unknown.map((c) => c.forms[0]!).join('、') } : asked;
  }

  /** No passage holds any form of the concept, nor all the parts of a long one. */
  private unknownToCorpus(c: Concept): boolean {
    const df = (t: string) => this.stats.df(t);
    return c.forms.every((f) => df(f) === 0) && !(c.parts.length > 1 && c.parts.every((p) => df(p) > 0));
  }

  /** For a passage about another place, the names it lacks (not every name the question has). */
  private askedOf(asked: AskedFact, plan: QueryPlan, chosen: PreparedCandidate): AskedFact {
    if (asked.kind !== 'scope') return asked;
    const missing = missingScope(plan, chosen.texts);
    return missing.length > 0 ? { kind: 'scope', label: missing.join('、') } : asked;
  }

  /**
   * Which passages to quote: the chosen one; for a comparison, the best
   * passage for each side; otherwise a second passage near the top that
   * scores nearly as well and holds a concept the first does not.
   */
  private picks(prepared: Prepared, ranked: readonly Ranked<PreparedCandidate>[], chosen: number) {
    const { plan } = prepared;
    const p = this.lexicon.pipeline;
    const top = ranked.slice(0, p.answerDepth);
    const first = ranked[chosen]!;
    const idf = (t: string) => this.stats.idf(t);
    // The words naming a document (市里那篇调研报告的…) say where to look, not what a passage must hold.
    const naming = new Set(plan.documentWords);
    const share = (c: PreparedCandidate, all: readonly number[]) => {
      const idx = all.filter((i) => !naming.has(plan.concepts[i]!.forms[0]!));
      const total = idx.reduce((s, i) => s + conceptWeight(plan.concepts[i]!, idf), 0);
      const inText = (t: string, i: number) => {
        const k = plan.concepts[i]!;
        return k.forms.some((f) => t.includes(f)) || (k.parts.length > 1 && k.parts.every((p) => t.includes(p)));
      };
      const found = idx.filter((i) => inText(c.texts.text, i) || inText(c.texts.heading, i));
      return total === 0 ? 0 : found.reduce((s, i) => s + conceptWeight(plan.concepts[i]!, idf), 0) / total;
    };
    // Two questions in one message: one passage when the chosen one covers each part as well as any
    // passage near the top does; else the passage about each part and not the other, like a comparison.
    // 分别/各自 without a comparison asked (入学比例分别达到多少) is judged the same way: one passage may hold both figures.
    const parts = plan.comparison ?? plan.parts;
    const sidesMayShare = plan.comparison === null || plan.asked.kind !== 'comparison';
    const oneCoversBoth = parts !== null && sidesMayShare && parts.every((idx) => top.every((c) => share(c, idx) <= share(first, idx)));
    if (parts && !oneCoversBoth) {
      const sides = parts.map((idx) => {
        const others = parts.flat().filter((i) => !idx.includes(i));
        // The passage about this side and not about the other one, one stating what was asked (the 落款 date, not the
        // plan's opening) before one that does not, best ranked first.
        const best = [...top].sort(
          (a, b) => share(b, idx) - share(b, others) - (share(a, idx) - share(a, others)) || b.features.factStated - a.features.factStated || b.score - a.score,
        )[0]!;
        return { candidate: best, concepts: plan.concepts.filter((_, i) => !others.includes(i)) };
      });
      if (sides[0]!.candidate.id === sides[1]!.candidate.id) return [{ candidate: sides[0]!.candidate, concepts: plan.concepts }];
      return sides.slice(0, p.maxQuotes);
    }
    const out = [{ candidate: first, concepts: plan.concepts }];
    const missing = plan.concepts.map((_, i) => i).filter((i) => share(first, [i]) === 0 && plan.concepts[i]!.key);
    const second = top.find((c) => c.id !== first.id && c.score >= p.secondQuoteShare * first.score && missing.some((i) => share(c, [i]) > 0));
    if (second && out.length < p.maxQuotes) out.push({ candidate: second, concepts: plan.concepts });
    return out;
  }

  private suggestions(ranked: readonly Ranked<PreparedCandidate>[]): Suggestion[] {
    const out: Suggestion[] = [];
    const seen = new Set<string>();
    for (const r of ranked.slice(0, 10)) {
      const p = this.index.passage(r.id);
      if (!p) continue;
      const key = `${p.source}|${p.sectionPath.join('|')}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push({ passageId: p.id, title: p.shortTitle, sectionPath: p.sectionPath, page: p.page });
      if (out.length === 3) break;
    }
    return out;
  }
}

function citationOf(p: StoredPassage, quote: string): Citation {
  return {
    passageId: p.id,
    source: p.source,
    title: p.shortTitle,
    sectionPath: quotedSectionPath(p.sectionPath, quote),
    page: p.page,
    pageEnd: p.pageEnd,
    text: p.text,
    kind: p.kind,
  };
}
