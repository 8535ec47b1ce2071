import path from 'node:path';
import { IndexUnavailableError } from '../errors.js';
import type { IdentifiedEmbeddings } from './embedder.js';
import { currentGeneration, generationPath, MANIFEST_FILE, readManifest, STORE_FILE, VECTORS_FILE } from './generations.js';
import { SCHEMA_VERSION, type Manifest } from './manifest.js';
import { StoreReader, type IndexedDocument, type KeywordHit, type StoredPassage, type VocabularyEntry } from './store.js';
import { VectorReader, type VectorHit } from './vectors.js';

/** One complete, immutable generation opened for search. */
export class PassageIndex {
  private constructor(
    readonly generation: string,
    readonly manifest: Manifest,
    private readonly store: StoreReader,
    private readonly vectors: VectorReader,
    private readonly embedder: IdentifiedEmbeddings,
  ) {}

  /** Opens the current generation; throws IndexUnavailableError (Chinese message) if there is none. */
  static open(indexDir: string, embedder: IdentifiedEmbeddings): PassageIndex {
    const name = currentGeneration(indexDir);
    if (!name) {
      throw new IndexUnavailableError('还没有建立索引：请先把文件放进 corpus/ 并运行 npm run ingest。', `no CURRENT in ${indexDir}`);
    }
    return PassageIndex.openGeneration(indexDir, name, embedder);
  }

  static openGeneration(indexDir: string, name: string, embedder: IdentifiedEmbeddings): PassageIndex {
    const dir = generationPath(indexDir, name);
    const manifest = readManifest(dir);
    if (!isCompatible(manifest, embedder)) {
      throw new IndexUnavailableError(
        '索引是用另一版本或另一种向量模型建立的，请重新运行 npm run ingest。',
        `generation ${name}: schema ${manifest.schemaVersion}, embedder ${manifest.embedder.id}/${manifest.embedder.dimensions}`,
      );
    }
    try {
      const store = new StoreReader(path.join(dir, STORE_FILE));
      const vectors = new VectorReader(path.join(dir, VECTORS_FILE), manifest.embedder.dimensions, manifest.passageCount);
      return new PassageIndex(name, manifest, store, vectors, embedder);
    } catch (e) {
      throw new IndexUnavailableError('索引文件已损坏，请重新运行 npm run ingest。', `cannot open generation ${name} (${MANIFEST_FILE} ok)`, { cause: e });
    }
  }

  documents(): IndexedDocument[] {
    return this.store.documents();
  }

  passage(id: number): StoredPassage | undefined {
    return this.store.passage(id);
  }

  passagesOf(source: string): StoredPassage[] {
    return this.store.passagesOf(source);
  }

  passageCount(): number {
    return this.store.passageCount();
  }

  firstUnderHeading(text: string): StoredPassage | undefined {
    return this.store.firstUnderHeading(text);
  }

  keywordSearch(query: string, limit: number): KeywordHit[] {
    return this.store.keywordSearch(query, limit);
  }

  /** BM25 over exactly these words of the keyword index (the answerer's chosen words). */
  keywordSearchTerms(terms: readonly string[], limit: number): KeywordHit[] {
    return this.store.keywordSearchTerms(terms, limit);
  }

  /** BM25 over character bigrams of the passage text (query bigrams OR-ed); higher is better. */
  bigramSearch(query: string, limit: number): KeywordHit[] {
    return this.store.bigramSearch(query, limit);
  }

  /** Passages whose search-normalised text contains the term (NFKC, lower case); cached. */
  documentFrequency(term: string): number {
    return this.store.documentFrequency(term);
  }

  /** The jieba words of the keyword index with the number of passages holding each. */
  vocabulary(): VocabularyEntry[] {
    return this.store.vocabulary();
  }

  async vectorSearch(query: string, limit: number): Promise<VectorHit[]> {
    return this.vectors.search(await this.embedder.embedQuery(query), limit);
  }

  close(): void {
    this.store.close();
  }
}

export function isCompatible(manifest: Manifest, embedder: IdentifiedEmbeddings): boolean {
  return (
    manifest.schemaVersion === SCHEMA_VERSION &&
    manifest.embedder.id === embedder.identity.id &&
    manifest.embedder.dimensions === embedder.identity.dimensions
  );
}
