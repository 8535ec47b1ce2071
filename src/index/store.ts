import Database from 'better-sqlite3';
import type { Passage } from '../ingest/types.js';
import { segmentWords } from './segment.js';

/** A document as the index knows it. `source` is the path relative to its corpus folder. */
export interface IndexedDocument {
  id: number;
  source: string;
  title: string;
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

const SCHEMA = `
CREATE TABLE documents (
  id INTEGER PRIMARY KEY,
  source TEXT NOT NULL UNIQUE,
  title TEXT NOT NULL,
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
    ordinal: r.ordinal,
    sectionPath: JSON.parse(r.section) as string[],
    page: r.page,
    pageEnd: r.page_end,
    charStart: r.char_start,
    charEnd: r.char_end,
    text: r.text,
  };
}

const PASSAGE_SELECT = `SELECT p.id, p.document_id, d.source, d.title, p.ordinal, p.section, p.page, p.page_end,
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
  private readonly setCount: Database.Statement;

  constructor(file: string, mode: 'create' | 'update') {
    this.db = new Database(file);
    // A generation is discarded whole if the build dies, so no journal is needed while building.
    this.db.pragma('journal_mode = OFF');
    this.db.pragma('synchronous = OFF');
    if (mode === 'create') this.db.exec(SCHEMA);
    this.insertDoc = this.db.prepare(
      'INSERT INTO documents (source, title, format, page_count) VALUES (?, ?, ?, ?)',
    );
    this.insertPassage = this.db.prepare(
      `INSERT INTO passages (document_id, ordinal, section, page, page_end, char_start, char_end, text)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.insertTerms = this.db.prepare('INSERT INTO passage_terms (rowid, body, context) VALUES (?, ?, ?)');
    this.setCount = this.db.prepare('UPDATE documents SET passage_count = ? WHERE id = ?');
  }

  /** Adds a document and its passages in one transaction; returns the new passage ids in order. */
  addDocument(
    doc: { source: string; title: string; format: string; pageCount?: number | null },
    passages: readonly Passage[],
  ): number[] {
    return this.db.transaction(() => {
      const docId = Number(this.insertDoc.run(doc.source, doc.title, doc.format, doc.pageCount ?? null).lastInsertRowid);
      const ids: number[] = [];
      for (const p of passages) {
        const id = Number(
          this.insertPassage.run(
            docId, p.ordinal, JSON.stringify(p.sectionPath), p.page ?? null, p.pageEnd ?? null,
            p.charStart, p.charEnd, p.text,
          ).lastInsertRowid,
        );
        this.insertTerms.run(
          id,
          segmentWords(p.text).join(' '),
          segmentWords(passageContext(doc.title, p.sectionPath)).join(' '),
        );
        ids.push(id);
      }
      this.setCount.run(passages.length, docId);
      return ids;
    })();
  }

  /** Removes a document with its passages and keyword terms; returns the removed passage ids. */
  removeDocument(source: string): number[] {
    return this.db.transaction(() => {
      const doc = this.db.prepare('SELECT id FROM documents WHERE source = ?').get(source) as { id: number } | undefined;
      if (!doc) return [];
      const ids = (this.db.prepare('SELECT id FROM passages WHERE document_id = ?').all(doc.id) as { id: number }[]).map((r) => r.id);
      const dropTerms = this.db.prepare('DELETE FROM passage_terms WHERE rowid = ?');
      for (const id of ids) dropTerms.run(id);
      this.db.prepare('DELETE FROM passages WHERE document_id = ?').run(doc.id);
      this.db.prepare('DELETE FROM documents WHERE id = ?').run(doc.id);
      return ids;
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
    this.db.exec('VACUUM');
    this.db.close();
  }
}

/** Read-only access to a complete generation's store.db. */
export class StoreReader {
  private readonly db: Database.Database;
  private readonly byId: Database.Statement;
  private readonly byDocument: Database.Statement;
  private readonly keyword: Database.Statement;

  constructor(file: string) {
    this.db = new Database(file, { readonly: true, fileMustExist: true });
    this.byId = this.db.prepare(`${PASSAGE_SELECT} WHERE p.id = ?`);
    this.byDocument = this.db.prepare(`${PASSAGE_SELECT} WHERE d.source = ? ORDER BY p.ordinal`);
    this.keyword = this.db.prepare(
      `SELECT rowid AS id, bm25(passage_terms, 1.0, 0.4) AS rank FROM passage_terms
       WHERE passage_terms MATCH ? ORDER BY rank LIMIT ?`,
    );
  }

  documents(): IndexedDocument[] {
    return (
      this.db
        .prepare('SELECT id, source, title, format, page_count, passage_count FROM documents ORDER BY source')
        .all() as { id: number; source: string; title: string; format: string; page_count: number | null; passage_count: number }[]
    ).map((r) => ({
      id: r.id, source: r.source, title: r.title, format: r.format, pageCount: r.page_count, passageCount: r.passage_count,
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
    const q = keywordQuery(segmentWords(query));
    if (!q) return [];
    return (this.keyword.all(q, limit) as { id: number; rank: number }[]).map((r) => ({
      passageId: r.id,
      score: -r.rank,
    }));
  }

  close(): void {
    this.db.close();
  }
}
