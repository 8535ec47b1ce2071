import { normalizeForSearch, segmentWords } from './segment.js';
import type { PassageIndex } from './reader.js';
import type { DocumentKind, VocabularyEntry } from './store.js';

/** A passage's searchable text and its surroundings, search-normalised. */
export interface PassageTerms {
  /** The passage's document (its file), and whether it is a document or the project's restatement. */
  source: string;
  kind: DocumentKind;
  text: string;
  /** Document title and section path. */
  heading: string;
  /** Section path only: what this part of the document is about. */
  section: string;
  /** Heading plus the section intro and the end of the previous passage. */
  context: string;
}

/**
 * Corpus statistics the reranker needs for one generation: each passage's
 * search-normalised text and context (held in memory), and document
 * frequencies of arbitrary substrings (questions use words the segmenter may
 * cut differently from the documents, so substring counts are the robust IDF),
 * which the index answers from its bigram table.
 */
export class TermStats {
  private readonly texts: string[];
  private readonly byId = new Map<number, PassageTerms>();
  private readonly bySource = new Map<string, string[]>();

  constructor(private readonly index: PassageIndex) {
    const scopes = new Map<string, string[]>();
    const passages = index.documents().flatMap((d) => index.passagesOf(d.source));
    this.texts = passages.map((p) => normalizeForSearch(p.text));
    const push = <K>(map: Map<K, string[]>, key: K, text: string) => {
      const list = map.get(key);
      if (list) list.push(text);
      else map.set(key, [text]);
    };
    passages.forEach((p, i) => {
      push(scopes, `${p.source}\u0000${p.sectionPath[0] ?? ''}`, this.texts[i]!);
      push(this.bySource, p.source, this.texts[i]!);
    });
    passages.forEach((p, i) => {
      const scope = scopes.get(`${p.source}\u0000${p.sectionPath[0] ?? ''}`) ?? [];
      // The first passage of a top-level section usually names its school or county, and the
      // passage before one often names what it is about ("形成调研报告如下"). Only what comes
      // before counts: a title line must not borrow the words of the paragraph under it.
      const intro = p.sectionPath.length > 0 ? (scope[0] ?? '').slice(0, 200) : '';
      const prev = passages[i - 1]?.source === p.source ? passages[i - 1]!.text.slice(-150) : '';
      // A document's first passage often opens with its title line: that names the document (the heading
      // holds it), it says nothing about what the passage is about.
      const title = normalizeForSearch(p.title).trim();
      const text = title.length >= 4 && this.texts[i]!.startsWith(title) ? this.texts[i]!.slice(title.length).trimStart() : this.texts[i]!;
      this.byId.set(p.id, {
        source: p.source,
        kind: p.kind,
        text,
        heading: normalizeForSearch([p.title, ...p.sectionPath].join(' ')),
        section: normalizeForSearch(p.sectionPath.join('\n')),
        context: normalizeForSearch([p.title, ...p.sectionPath, intro === this.texts[i] ? '' : intro, prev].join(' ')),
      });
    });
  }

  /**
   * Words of titles and section headings, each counted once for every passage under it. A document is
   * named by its title (整改方案) even where its passages' text never repeats the word.
   */
  headingVocabulary(): VocabularyEntry[] {
    // Passages under one heading share it: each distinct heading is segmented once.
    const under = new Map<string, number>();
    for (const { heading } of this.byId.values()) under.set(heading, (under.get(heading) ?? 0) + 1);
    const counts = new Map<string, number>();
    for (const [heading, n] of under) {
      for (const w of new Set(segmentWords(heading))) counts.set(w, (counts.get(w) ?? 0) + n);
    }
    return [...counts].map(([word, df]) => ({ word, df }));
  }

  /** A document's passages' search-normalised texts, in document order (held in memory: no store read). */
  textsOf(source: string): readonly string[] {
    return this.bySource.get(source) ?? [];
  }

  get passageCount(): number {
    return this.texts.length;
  }

  /** Passages whose search-normalised text contains the term. */
  df(term: string): number {
    return this.index.documentFrequency(term);
  }

  /**
   * Smoothed inverse document frequency. A term no passage contains gets the
   * highest weight: a question about something the documents never mention
   * must not look covered.
   */
  idf(term: string): number {
    const df = this.df(term);
    return Math.log(1 + (this.texts.length - df + 0.5) / (df + 0.5));
  }

  passage(id: number): PassageTerms | undefined {
    return this.byId.get(id);
  }
}
