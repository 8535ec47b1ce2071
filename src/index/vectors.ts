import hnswlib from 'hnswlib-node';

const { HierarchicalNSW } = hnswlib;
type Hnsw = InstanceType<typeof HierarchicalNSW>;

export interface VectorHit {
  passageId: number;
  /** Cosine similarity, higher is better. */
  score: number;
}

/** Builds the HNSW index of a generation; labels are passage ids. */
export class VectorWriter {
  private readonly index: Hnsw;
  private capacity = 1024;

  constructor(readonly dimensions: number) {
    this.index = new HierarchicalNSW('cosine', dimensions);
    this.index.initIndex({ maxElements: this.capacity, m: 16, efConstruction: 100, randomSeed: 42 });
  }

  add(passageId: number, vector: readonly number[]): void {
    if (vector.length !== this.dimensions) {
      throw new Error(`vector has ${vector.length} dimensions, index expects ${this.dimensions}`);
    }
    if (this.index.getCurrentCount() >= this.capacity) {
      this.capacity *= 2;
      this.index.resizeIndex(this.capacity);
    }
    this.index.addPoint(vector as number[], passageId);
  }

  get count(): number {
    return this.index.getCurrentCount();
  }

  write(file: string): void {
    this.index.writeIndexSync(file);
  }
}

/** Loads a generation's HNSW file for search and for reusing vectors of unchanged files. */
export class VectorReader {
  private readonly index: Hnsw;

  constructor(file: string, readonly dimensions: number) {
    this.index = new HierarchicalNSW('cosine', dimensions);
    this.index.readIndexSync(file);
    this.index.setEf(64);
  }

  get count(): number {
    return this.index.getCurrentCount();
  }

  vector(passageId: number): number[] {
    return this.index.getPoint(passageId);
  }

  search(query: readonly number[], limit: number): VectorHit[] {
    const n = Math.min(limit, this.count);
    if (n === 0) return [];
    const r = this.index.searchKnn(query as number[], n);
    return r.neighbors.map((id, i) => ({ passageId: id, score: 1 - (r.distances[i] ?? 1) }));
  }
}
