import hnswlib from 'hnswlib-node';

const { HierarchicalNSW } = hnswlib;
type Hnsw = InstanceType<typeof HierarchicalNSW>;

export interface VectorHit {
  passageId: number;
  /** Cosine similarity, higher is better. */
  score: number;
}

/** Graph parameters of every index; the fixed seed makes a build reproducible. */
const HNSW_PARAMS = { m: 16, efConstruction: 100, randomSeed: 42, allowReplaceDeleted: true } as const;
/** Capacity of a new index; grows by doubling. */
const INITIAL_CAPACITY = 1024;

/**
 * A re-ingest marks removed passages deleted and lets new ones reuse their
 * slots, but a deleted slot still takes room in the file and memory, and
 * still sits in the graph search walks through; a reused slot is linked by
 * repairing the old node's edges, which is worse than a fresh insert.
 * Swapping a large corpus for a small one leaves nearly every slot deleted,
 * and after a few swaps the file was 137 × a fresh build and some searches
 * came back empty. Above this share of deleted elements the generation's
 * index is rebuilt from the live vectors. 20 %: one in five deleted at most
 * costs a fifth more file and search work than a fresh build, while adding
 * or changing a few documents in a large corpus (the common re-ingest)
 * stays an in-place update.
 */
export const MAX_DELETED_SHARE = 0.2;

/**
 * Capacity (maxElements) only grows, and loading an index allocates memory
 * for its whole capacity (≈1.7 KB per element at 384 dimensions), whatever
 * is live. An index whose capacity is more than this many times its live
 * count (and above a new index's capacity) is rebuilt at the live count.
 */
export const MAX_CAPACITY_RATIO = 4;

/** The shape of an index: `elements` counts deleted slots too; `capacity` is maxElements. */
export interface VectorStats {
  elements: number;
  live: number;
  deleted: number;
  capacity: number;
}

export interface VectorWriteResult extends VectorStats {
  /** True when the file was rebuilt from the live vectors instead of written as it was. */
  compacted: boolean;
}

function isLabelNotFound(e: unknown): boolean {
  return e instanceof Error && e.message.includes('Label not found');
}

/**
 * Builds the HNSW index of a generation; labels are passage ids. It starts
 * empty or from a copy of the previous generation's file; removed passages are
 * marked deleted and their slots reused by new ones. When too much of it is
 * deleted, `write` rebuilds it from the live vectors (see MAX_DELETED_SHARE).
 */
export class VectorWriter {
  private constructor(
    private index: Hnsw,
    readonly dimensions: number,
    private capacity: number,
  ) {}

  /** An empty index; `capacity` is only where it starts, it grows as vectors are added. */
  static create(dimensions: number, capacity = INITIAL_CAPACITY): VectorWriter {
    const index = new HierarchicalNSW('cosine', dimensions);
    const start = Math.max(1, capacity);
    index.initIndex({ maxElements: start, ...HNSW_PARAMS });
    return new VectorWriter(index, dimensions, start);
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

  /**
   * Calls `fn` for each live label in ascending order with its stored
   * (normalised) vector. A passage id is handed out once, in the order
   * passages are added, so this is the order they were inserted in — for a
   * corpus indexed in one run, the order a fresh build inserts them.
   */
  private forEachLive(fn: (label: number, vector: number[]) => void): void {
    for (const label of this.index.getIdsList().sort((a, b) => a - b)) {
      const vector = this.vectorOf(label);
      if (vector) fn(label, vector);
    }
  }

  /** The live labels (passage ids) in ascending order. */
  liveIds(): number[] {
    const live: number[] = [];
    this.forEachLive((label) => live.push(label));
    return live;
  }

  /** The stored (normalised) vector of a live label; undefined for a deleted or unknown one. */
  vectorOf(label: number): number[] | undefined {
    try {
      return this.index.getPoint(label);
    } catch (e) {
      if (isLabelNotFound(e)) return undefined;
      throw e;
    }
  }

  /** `liveCount`: vectors not deleted, when the caller knows it (the store's passage count); else counted here. */
  stats(liveCount?: number): VectorStats {
    const elements = this.index.getCurrentCount();
    const live = liveCount ?? this.liveIds().length;
    return { elements, live, deleted: Math.max(0, elements - live), capacity: this.capacity };
  }

  /** Whether `write` rebuilds first: too many deleted slots, or capacity far above the live count. */
  needsCompaction(liveCount?: number): boolean {
    const s = this.stats(liveCount);
    return (
      s.deleted > MAX_DELETED_SHARE * s.elements ||
      (s.capacity > INITIAL_CAPACITY && s.capacity > MAX_CAPACITY_RATIO * s.live)
    );
  }

  /**
   * A new index holding only the live vectors, sized to their count, inserted
   * in ascending label order with the parameters and seed of a fresh build:
   * it is the index a fresh build of the same passages makes when they were
   * added in id order. The vectors are read back from this index (the store
   * does not keep them); this one is left as it was.
   */
  compacted(): VectorWriter {
    const labels = this.liveIds();
    const fresh = VectorWriter.create(this.dimensions, labels.length);
    this.forEachLive((label, vector) => fresh.add(label, vector));
    return fresh;
  }

  /**
   * Writes the index file. When `needsCompaction`, this writer is first
   * rebuilt from its live vectors (see `compacted`) and goes on with the
   * rebuilt index. Pass the live count when it is known (the store's passage
   * count: every passage has one vector) to spare counting it here.
   */
  write(file: string, liveCount?: number): VectorWriteResult {
    let compacted = false;
    if (this.needsCompaction(liveCount)) {
      const fresh = this.compacted();
      this.index = fresh.index;
      this.capacity = fresh.capacity;
      compacted = true;
    }
    this.index.writeIndexSync(file);
    const elements = this.index.getCurrentCount();
    const stats = compacted ? { elements, live: elements, deleted: 0, capacity: this.capacity } : this.stats(liveCount);
    return { ...stats, compacted };
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
