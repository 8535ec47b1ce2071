import hnswlib from 'hnswlib-node';

const { HierarchicalNSW } = hnswlib;
type Hnsw = InstanceType<typeof HierarchicalNSW>;

export interface VectorHit {
  passageId: number;
  /** Cosine similarity, higher is better. */
  score: number;
}

/**
 * Builds the HNSW index of a generation; labels are passage ids. It starts
 * empty or from a copy of the previous generation's file; removed passages are
 * marked deleted and their slots reused by new ones.
 */
export class VectorWriter {
  private constructor(
    private readonly index: Hnsw,
    readonly dimensions: number,
    private capacity: number,
  ) {}

  static create(dimensions: number): VectorWriter {
    const index = new HierarchicalNSW('cosine', dimensions);
    const capacity = 1024;
    index.initIndex({ maxElements: capacity, m: 16, efConstruction: 100, randomSeed: 42, allowReplaceDeleted: true });
    return new VectorWriter(index, dimensions, capacity);
  }

  static fromFile(file: string, dimensions: number): VectorWriter {
    const index = new HierarchicalNSW('cosine', dimensions);
    index.readIndexSync(file, true);
    return new VectorWriter(index, dimensions, index.getMaxElements());
  }

  add(passageId: number, vector: readonly number[]): void {
    if (vector.length !== this.dimensions) {
      throw new Error(`vector has ${vector.length} dimensions, index expects ${this.dimensions}`);
    }
    // The element count includes deleted slots, so this may grow a little early; never too late.
    if (this.index.getCurrentCount() >= this.capacity) {
      this.capacity *= 2;
      this.index.resizeIndex(this.capacity);
    }
    this.index.addPoint(vector as number[], passageId, true);
  }

  remove(passageIds: readonly number[]): void {
    for (const id of passageIds) this.index.markDelete(id);
  }

  write(file: string): void {
    this.index.writeIndexSync(file);
  }
}

/** Loads a generation's HNSW file for search. */
export class VectorReader {
  private readonly index: Hnsw;

  /** `liveCount`: passages in the store; the HNSW element count also includes deleted slots. */
  constructor(file: string, readonly dimensions: number, private readonly liveCount: number) {
    this.index = new HierarchicalNSW('cosine', dimensions);
    this.index.readIndexSync(file);
    this.index.setEf(64);
  }

  get count(): number {
    return this.liveCount;
  }

  search(query: readonly number[], limit: number): VectorHit[] {
    const n = Math.min(limit, this.count);
    if (n === 0) return [];
    const r = this.index.searchKnn(query as number[], n);
    return r.neighbors.map((id, i) => ({ passageId: id, score: 1 - (r.distances[i] ?? 1) }));
  }
}
