import type { PassageRetriever, Retrieved } from './retriever.js';
import { formatCitation, quotedSectionPath, sectionLabel, sectionWithinDocument } from './citation.js';
import { selectSentences } from './extract.js';
import { answerability, askedUnits, canAnswer } from './relevance.js';
import { questionConcepts, type Concept } from './terms.js';
import type { Answer, Answerer, Citation, Suggestion } from './types.js';

/** How far down the ranking an answering passage is looked for. */
const ANSWER_DEPTH = 5;
/** A second passage is quoted too when it answers and scores nearly as well as the first. */
const SECOND_QUOTE_SHARE = 0.9;

export const REFUSAL = '文件里没有找到能回答这个问题的内容。';

function citationOf(r: Retrieved, quote: string): Citation {
  const p = r.passage;
  const sectionPath = quotedSectionPath(p.sectionPath, quote);
  return { passageId: p.id, source: p.source, title: p.title, sectionPath, page: p.page, pageEnd: p.pageEnd, text: p.text };
}

/**
 * The default answerer: no model, no network. It quotes the sentences that
 * answer, exactly as the documents write them, and cites where they stand;
 * every figure it shows is therefore in a cited passage. When no passage
 * clears the relevance bar it says so and offers the closest sections.
 */
export class ExtractiveAnswerer implements Answerer {
  constructor(private readonly retriever: PassageRetriever) {}

  async answer(question: string): Promise<Answer> {
    return this.answerFrom(question, await this.retriever.retrieve(question, 10));
  }

  /** Answers from passages already retrieved for the question (the eval harness records them too). */
  answerFrom(question: string, retrieved: readonly Retrieved[]): Answer {
    const concepts = questionConcepts(question);
    const answering = retrieved.slice(0, ANSWER_DEPTH).filter((r) => this.answers(question, r, concepts));
    const first = answering[0];
    if (!first) return this.refusal(retrieved);

    const idf = (t: string) => this.retriever.stats.idf(t);
    const chosen = [{ r: first, quote: selectSentences(first.passage.text, concepts, idf) }];
    const second = answering[1];
    if (second && second.score >= SECOND_QUOTE_SHARE * first.score) {
      // A second source is quoted only when it says something the first quote does not.
      const quote = selectSentences(second.passage.text, concepts, idf);
      if ([...quote.covered].some((k) => !chosen[0]!.quote.covered.has(k))) chosen.push({ r: second, quote });
    }
    const quotes = chosen.map(({ quote }, i) => `“${quote.sentences.join('')}”[${i + 1}]`);
    const citations = chosen.map(({ r, quote }) => citationOf(r, quote.sentences.join('')));
    const text = ['根据文件原文：', ...quotes, '', '出处：', ...citations.map((c, i) => formatCitation(i + 1, c))].join('\n');
    return { text, citations, refused: false, suggestions: [] };
  }

  private answers(question: string, r: Retrieved, concepts: readonly Concept[]): boolean {
    const stats = this.retriever.stats;
    const terms = stats.passage(r.passage.id);
    if (!terms) return false;
    return canAnswer(answerability(concepts, terms, (t) => stats.idf(t), askedUnits(question)), r);
  }

  private refusal(retrieved: readonly Retrieved[]): Answer {
    const suggestions: Suggestion[] = [];
    const seen = new Set<string>();
    for (const r of retrieved) {
      const key = `${r.passage.source}|${r.passage.sectionPath.join('|')}`;
      if (seen.has(key)) continue;
      seen.add(key);
      suggestions.push({ passageId: r.passage.id, title: r.passage.title, sectionPath: r.passage.sectionPath, page: r.passage.page });
      if (suggestions.length === 3) break;
    }
    const lines = [`${REFUSAL}可以换个说法再问，或确认相关文件已经放进语料库。`];
    if (suggestions.length > 0) {
      lines.push('', '下面这些章节比较接近，可以看看：');
      for (const s of suggestions) {
        const section = sectionLabel(sectionWithinDocument(s.title, s.sectionPath));
        lines.push(`· 《${s.title}》${section ? ` · ${section}` : ''}`);
      }
    }
    return { text: lines.join('\n'), citations: [], refused: true, suggestions };
  }
}
