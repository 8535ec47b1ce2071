import Database from 'better-sqlite3';
import type { Passage } from '../ingest/types.js';
import { bigramColumn, bigramSearchQuery, charColumn, substringPlan, type PlanTable } from './bigrams.js';
import { normalizeForSearch, segmentWords } from './segment.js';

/**
 * What a document is: an official text ('document'), or a restatement of
 * official texts in the project's own words ('restatement', see corpus/sources.yaml).
 */
export type DocumentKind = 'document' | 'restatement';

/** A document as the index knows it. `source` is the path relative to its corpus folder. */
export interface IndexedDocument {
  id: number;
  source: string;
  title: string;
  /** The title for citation lines: the document's own title without boilerplate, about 20 characters. */
  shortTitle: string;
  kind: DocumentKind;
  format: string;
  pageCount: number | null;
  passageCount: number;
}

/** A passage as stored, with the document fields a citation needs. */
export interface StoredPassage {
  id: number;
  documentId: number;
  source: string;
  title: string;
  shortTitle: string;
  kind: DocumentKind;
  ordinal: number;
  sectionPath: string[];
  page: number | null;
  pageEnd: number | null;
  charStart: number;
  charEnd: number;
  text: string;
}

export interface KeywordHit {
  passageId: number;
  /** FTS5 bm25: lower is better; negated here so that higher is better. */
  score: number;
}

/** A word of the keyword index and the number of passages whose text has it. */
export interface VocabularyEntry {
  word: string;
  df: number;
}

/** The document fields a writer stores. */
export interface DocumentFields {
  source: string;
  title: string;
  shortTitle: string;
  kind: DocumentKind;
  format: string;
  pageCount?: number | null;
}

const SCHEMA = `
CREATE TABLE documents (
  id INTEGER PRIMARY KEY,
  source TEXT NOT NULL UNIQUE,
  title TEXT NOT NULL,
  short_title TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('document', 'restatement')),
  format TEXT NOT NULL,
  page_count INTEGER,
  passage_count INTEGER NOT NULL DEFAULT 0
);
-- AUTOINCREMENT: ids are vector labels, and a re-ingest deletes and adds passages in a copy
-- of the previous generation, so an id must never be handed out twice.
CREATE TABLE passages (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  document_id INTEGER NOT NULL REFERENCES documents(id),
  ordinal INTEGER NOT NULL,
  section TEXT NOT NULL,
  page INTEGER,
  page_end INTEGER,
  char_start INTEGER NOT NULL,
  char_end INTEGER NOT NULL,
  text TEXT NOT NULL
);
CREATE INDEX passages_by_document ON passages(document_id, ordinal);
-- body: the passage; context: document title and section path (weighted lower in bm25).
CREATE VIRTUAL TABLE passage_terms USING fts5(body, context, tokenize = 'unicode61 remove_diacritics 0');
-- Character bigrams of the passage text (src/index/bigrams.ts): the bigrams of each letter/digit
-- run, runs apart; and each passage's distinct letters and digits (rowids only). The tokens are
-- space-separated, so the ascii tokenizer (which splits at ASCII spaces and punctuation only)
-- takes them as they are. Contentless: the text is in passages already. A row is removed with
-- FTS5's 'delete' command and its tokens recomputed from the stored text (contentless_delete
-- would leave the bm25 row and token totals counting removed rows).
CREATE VIRTUAL TABLE passage_bigrams USING fts5(grams, tokenize = 'ascii', content = '');
CREATE VIRTUAL TABLE passage_chars USING fts5(chars, tokenize = 'ascii', content = '', detail = 'none');
-- The jieba words of passage_terms.body with the number of passages holding each.
CREATE TABLE vocabulary (word TEXT PRIMARY KEY, df INTEGER NOT NULL) WITHOUT ROWID;
`;

/** The text a passage is searched and embedded by: its own words plus where it sits. */
export function passageContext(title: string, sectionPath: readonly string[]): string {
  return [title, ...sectionPath].join(' ');
}

/** FTS5 query of OR-ed quoted terms; quotes inside terms are doubled as FTS5 requires. */
export function keywordQuery(terms: readonly string[]): string | null {
  const unique = [...new Set(terms)];
  if (unique.length === 0) return null;
  return unique.map((t) => `"${t.replaceAll('"', '""')}"`).join(' OR ');
}

interface PassageRow {
  id: number;
  document_id: number;
  source: string;
  title: string;
  short_title: string;
  kind: DocumentKind;
  ordinal: number;
  section: string;
  page: number | null;
  page_end: number | null;
  char_start: number;
  char_end: number;
  text: string;
}

function toStoredPassage(r: PassageRow): StoredPassage {
  return {
    id: r.id,
    documentId: r.document_id,
    source: r.source,
    title: r.title,
    shortTitle: r.short_title,
    kind: r.kind,
    ordinal: r.ordinal,
    sectionPath: JSON.parse(r.section) as string[],
    page: r.page,
    pageEnd: r.page_end,
    charStart: r.char_start,
    charEnd: r.char_end,
    text: r.text,
  };
}

const PASSAGE_SELECT = `SELECT p.id, p.document_id, d.source, d.title, d.short_title, d.kind, p.ordinal, p.section, p.page, p.page_end,
  p.char_start, p.char_end, p.text FROM passages p JOIN documents d ON d.id = p.document_id`;

/**
 * Writes the store.db of a generation being built: a new file, or a copy of
 * the previous generation's that the re-ingest then changes.
 */
export class StoreWriter {
  private readonly db: Database.Database;
  private readonly insertDoc: Database.Statement;
  private readonly insertPassage: Database.Statement;
  private readonly insertTerms: Database.Statement;
  private readonly insertBigrams: Database.Statement;
  private readonly insertChars: Database.Statement;
  private readonly addWord: Database.Statement;
  private readonly dropWord: Database.Statement;
  private readonly setCount: Database.Statement;

  constructor(file: string, mode: 'create' | 'update') {
    this.db = new Database(file);
    // A generation is discarded whole if the build dies, so no journal is needed while building.
    this.db.pragma('journal_mode = OFF');
    this.db.pragma('synchronous = OFF');
    if (mode === 'create') this.db.exec(SCHEMA);
    this.insertDoc = this.db.prepare(
      'INSERT INTO documents (source, title, short_title, kind, format, page_count) VALUES (?, ?, ?, ?, ?, ?)',
    );
    this.insertPassage = this.db.prepare(
      `INSERT INTO passages (document_id, ordinal, section, page, page_end, char_start, char_end, text)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.insertTerms = this.db.prepare('INSERT INTO passage_terms (rowid, body, context) VALUES (?, ?, ?)');
    this.insertBigrams = this.db.prepare('INSERT INTO passage_bigrams (rowid, grams) VALUES (?, ?)');
    this.insertChars = this.db.prepare('INSERT INTO passage_chars (rowid, chars) VALUES (?, ?)');
    this.addWord = this.db.prepare('INSERT INTO vocabulary (word, df) VALUES (?, ?) ON CONFLICT (word) DO UPDATE SET df = df + excluded.df');
    this.dropWord = this.db.prepare('UPDATE vocabulary SET df = df - ? WHERE word = ?');
    this.setCount = this.db.prepare('UPDATE documents SET passage_count = ? WHERE id = ?');
  }

  /** Adds a document and its passages in one transaction; returns the new passage ids in order. */
  addDocument(doc: DocumentFields, passages: readonly Passage[]): number[] {
    return this.db.transaction(() => {
      const docId = Number(
        this.insertDoc.run(doc.source, doc.title, doc.shortTitle, doc.kind, doc.format, doc.pageCount ?? null).lastInsertRowid,
      );
      const ids: number[] = [];
      // Passage counts per word, summed over the document first: one upsert per distinct word.
      const wordCounts = new Map<string, number>();
      for (const p of passages) {
        const id = Number(
          this.insertPassage.run(
            docId, p.ordinal, JSON.stringify(p.sectionPath), p.page ?? null, p.pageEnd ?? null,
            p.charStart, p.charEnd, p.text,
          ).lastInsertRowid,
        );
        const words = segmentWords(p.text);
        this.insertTerms.run(id, words.join(' '), segmentWords(passageContext(doc.title, p.sectionPath)).join(' '));
        this.insertBigrams.run(id, bigramColumn(p.text));
        this.insertChars.run(id, charColumn(p.text));
        for (const w of new Set(words)) wordCounts.set(w, (wordCounts.get(w) ?? 0) + 1);
        ids.push(id);
      }
      for (const [w, n] of wordCounts) this.addWord.run(w, n);
      this.setCount.run(passages.length, docId);
      return ids;
    })();
  }

  /** Removes a document with its passages, keyword terms, bigrams and vocabulary counts; returns the removed passage ids. */
  removeDocument(source: string): number[] {
    return this.db.transaction(() => {
      const doc = this.db.prepare('SELECT id FROM documents WHERE source = ?').get(source) as { id: number } | undefined;
      if (!doc) return [];
      const rows = this.db.prepare('SELECT id, text FROM passages WHERE document_id = ?').all(doc.id) as { id: number; text: string }[];
      const dropTerms = this.db.prepare('DELETE FROM passage_terms WHERE rowid = ?');
      const dropBigrams = this.db.prepare("INSERT INTO passage_bigrams (passage_bigrams, rowid, grams) VALUES ('delete', ?, ?)");
      const dropChars = this.db.prepare("INSERT INTO passage_chars (passage_chars, rowid, chars) VALUES ('delete', ?, ?)");
      // Segmentation and bigrams are deterministic, so the stored text gives back what its passage added.
      const wordCounts = new Map<string, number>();
      for (const r of rows) {
        dropTerms.run(r.id);
        dropBigrams.run(r.id, bigramColumn(r.text));
        dropChars.run(r.id, charColumn(r.text));
        for (const w of new Set(segmentWords(r.text))) wordCounts.set(w, (wordCounts.get(w) ?? 0) + 1);
      }
      for (const [w, n] of wordCounts) this.dropWord.run(n, w);
      this.db.prepare('DELETE FROM vocabulary WHERE df <= 0').run();
      this.db.prepare('DELETE FROM passages WHERE document_id = ?').run(doc.id);
      this.db.prepare('DELETE FROM documents WHERE id = ?').run(doc.id);
      return rows.map((r) => r.id);
    })();
  }

  sources(): string[] {
    return (this.db.prepare('SELECT source FROM documents').all() as { source: string }[]).map((r) => r.source);
  }

  passageCount(): number {
    return (this.db.prepare('SELECT count(*) AS n FROM passages').get() as { n: number }).n;
  }

  close(): void {
    this.db.exec("INSERT INTO passage_terms(passage_terms) VALUES ('optimize')");
    this.db.exec("INSERT INTO passage_bigrams(passage_bigrams) VALUES ('optimize')");
    this.db.exec("INSERT INTO passage_chars(passage_chars) VALUES ('optimize')");
    this.db.exec('VACUUM');
    this.db.close();
  }
}

/** Substring counts kept per reader; a long-running bot asks new words forever, so the cache is bounded. */
const DF_CACHE_LIMIT = 50_000;

/** Read-only access to a complete generation's store.db. */
export class StoreReader {
  private readonly db: Database.Database;
  private readonly byId: Database.Statement;
  private readonly byDocument: Database.Statement;
  private readonly keyword: Database.Statement;
  private readonly bigram: Database.Statement;
  private readonly count: Record<PlanTable, Database.Statement>;
  private readonly texts: Record<PlanTable, Database.Statement>;
  private readonly dfCache = new Map<string, number>();

  constructor(file: string) {
    this.db = new Database(file, { readonly: true, fileMustExist: true });
    this.byId = this.db.prepare(`${PASSAGE_SELECT} WHERE p.id = ?`);
    this.byDocument = this.db.prepare(`${PASSAGE_SELECT} WHERE d.source = ? ORDER BY p.ordinal`);
    this.keyword = this.db.prepare(
      `SELECT rowid AS id, bm25(passage_terms, 1.0, 0.4) AS rank FROM passage_terms
       WHERE passage_terms MATCH ? ORDER BY rank LIMIT ?`,
    );
    this.bigram = this.db.prepare(
      `SELECT rowid AS id, bm25(passage_bigrams) AS rank FROM passage_bigrams
       WHERE passage_bigrams MATCH ? ORDER BY rank LIMIT ?`,
    );
    const count = (table: string) => this.db.prepare(`SELECT count(*) FROM ${table} WHERE ${table} MATCH ?`).pluck();
    const texts = (table: string) =>
      this.db.prepare(`SELECT p.text FROM ${table} f JOIN passages p ON p.id = f.rowid WHERE ${table} MATCH ?`).pluck();
    this.count = { bigrams: count('passage_bigrams'), chars: count('passage_chars') };
    this.texts = { bigrams: texts('passage_bigrams'), chars: texts('passage_chars') };
  }

  documents(): IndexedDocument[] {
    return (
      this.db
        .prepare('SELECT id, source, title, short_title, kind, format, page_count, passage_count FROM documents ORDER BY source')
        .all() as {
        id: number; source: string; title: string; short_title: string; kind: DocumentKind;
        format: string; page_count: number | null; passage_count: number;
      }[]
    ).map((r) => ({
      id: r.id, source: r.source, title: r.title, shortTitle: r.short_title, kind: r.kind,
      format: r.format, pageCount: r.page_count, passageCount: r.passage_count,
    }));
  }

  passage(id: number): StoredPassage | undefined {
    const r = this.byId.get(id) as PassageRow | undefined;
    return r && toStoredPassage(r);
  }

  passagesOf(source: string): StoredPassage[] {
    return (this.byDocument.all(source) as PassageRow[]).map(toStoredPassage);
  }

  passageCount(): number {
    return (this.db.prepare('SELECT count(*) AS n FROM passages').get() as { n: number }).n;
  }

  /** The first passage whose section path has a heading containing `text`. */
  firstUnderHeading(text: string): StoredPassage | undefined {
    const r = this.db.prepare(`${PASSAGE_SELECT} WHERE p.section LIKE ? ESCAPE '\\' ORDER BY d.source, p.ordinal LIMIT 1`)
      .get(`%${text.replace(/[\\%_]/gu, (c) => `\\${c}`)}%`) as PassageRow | undefined;
    return r && toStoredPassage(r);
  }

  /** BM25 over segmented words of the passage body and (weighted lower) its title/section path. */
  keywordSearch(query: string, limit: number): KeywordHit[] {
    return this.keywordSearchTerms(segmentWords(query), limit);
  }

  /**
   * BM25 over exactly these words of the keyword index (OR-ed). The answerer
   * passes the words it chose; segmenting them again would add the common
   * sub-words of each (工资水平 → 工资, 水平), whose long posting lists make
   * the search slow at 100 000 passages without changing what ranks first.
   */
  keywordSearchTerms(terms: readonly string[], limit: number): KeywordHit[] {
    const q = keywordQuery(terms);
    if (!q) return [];
    return (this.keyword.all(q, limit) as { id: number; rank: number }[]).map((r) => ({
      passageId: r.id,
      score: -r.rank,
    }));
  }

  /**
   * BM25 over the character bigrams of the passage text, the query's bigrams
   * OR-ed: finds passages whatever the segmenter made of their words.
   */
  bigramSearch(query: string, limit: number): KeywordHit[] {
    const q = bigramSearchQuery(query);
    if (!q) return [];
    return (this.bigram.all(q, limit) as { id: number; rank: number }[]).map((r) => ({
      passageId: r.id,
      score: -r.rank,
    }));
  }

  /**
   * Passages whose search-normalised text contains the (search-normalised)
   * term. A term of letters and digits is one FTS5 phrase of its bigrams (one
   * character: a token of the character table); a term across punctuation is
   * checked in the passages holding its runs; one without any letter or digit
   * needs a scan. Cached per reader.
   */
  documentFrequency(term: string): number {
    const t = normalizeForSearch(term);
    let n = this.dfCache.get(t);
    if (n !== undefined) return n;
    n = this.countContaining(t);
    if (this.dfCache.size >= DF_CACHE_LIMIT) this.dfCache.clear();
    this.dfCache.set(t, n);
    return n;
  }

  private countContaining(t: string): number {
    const plan = substringPlan(t);
    switch (plan.kind) {
      case 'empty':
        return this.passageCount();
      case 'exact':
        return this.count[plan.table].get(plan.match) as number;
      case 'candidates': {
        let n = 0;
        for (const text of this.texts[plan.table].iterate(plan.match) as IterableIterator<string>) {
          if (normalizeForSearch(text).includes(t)) n++;
        }
        return n;
      }
      case 'scan': {
        let n = 0;
        for (const r of this.db.prepare('SELECT text FROM passages').iterate() as IterableIterator<{ text: string }>) {
          if (normalizeForSearch(r.text).includes(t)) n++;
        }
        return n;
      }
    }
  }

  /** The words of the keyword index (jieba search mode, as segmentWords gives them) with their passage counts. */
  vocabulary(): VocabularyEntry[] {
    return this.db.prepare('SELECT word, df FROM vocabulary ORDER BY word').all() as VocabularyEntry[];
  }

  close(): void {
    this.db.close();
  }
}
