import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import hnswlib from 'hnswlib-node';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MAX_DELETED_SHARE, VectorReader, VectorWriter } from '../../src/index/vectors.js';

const DIM = 32;

/** Deterministic vectors, so every run builds the same indexes. */
function vectors(count: number, seed: number): number[][] {
  let a = seed;
  const rand = () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296 - 0.5;
  };
  return Array.from({ length: count }, () => {
    const v = Array.from({ length: DIM }, rand);
    const norm = Math.hypot(...v);
    return v.map((x) => x / norm);
  });
}

/** What the file holds, read with hnswlib itself. */
function fileShape(file: string): { elements: number; capacity: number } {
  const index = new hnswlib.HierarchicalNSW('cosine', DIM);
  index.readIndexSync(file);
  return { elements: index.getCurrentCount(), capacity: index.getMaxElements() };
}

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'junheng-vectors-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));
const file = (name: string) => path.join(dir, name);

describe('VectorWriter compaction', () => {
  it('writes in place while deleted slots stay at or under the share', () => {
    const w = VectorWriter.create(DIM);
    vectors(100, 1).forEach((v, i) => w.add(i + 1, v));
    w.remove(Array.from({ length: 20 }, (_, i) => i + 1)); // 20 %: not above the share
    expect(MAX_DELETED_SHARE).toBe(0.2);
    expect(w.needsCompaction(80)).toBe(false);
    const r = w.write(file('a.hnsw'), 80);
    expect(r).toEqual({ elements: 100, live: 80, deleted: 20, capacity: 1024, compacted: false });
    expect(fileShape(file('a.hnsw')).elements).toBe(100);
  });

  it('rebuilds from the live vectors, sized to them, once more than a fifth is deleted', () => {
    const vs = vectors(3000, 2);
    const removed = Array.from({ length: 2900 }, (_, i) => i + 1);
    // What the file was before compaction: the same history written by hnswlib as it stands.
    const raw = new hnswlib.HierarchicalNSW('cosine', DIM);
    raw.initIndex({ maxElements: 4096, m: 16, efConstruction: 100, randomSeed: 42, allowReplaceDeleted: true });
    vs.forEach((v, i) => raw.addPoint(v, i + 1, true));
    removed.forEach((id) => raw.markDelete(id));
    raw.writeIndexSync(file('uncompacted.hnsw'));

    const w = VectorWriter.create(DIM);
    vs.forEach((v, i) => w.add(i + 1, v));
    w.remove(removed);
    expect(w.needsCompaction(100)).toBe(true);
    const r = w.write(file('b.hnsw'), 100);
    expect(r).toEqual({ elements: 100, live: 100, deleted: 0, capacity: 100, compacted: true });
    expect(fileShape(file('b.hnsw'))).toEqual({ elements: 100, capacity: 100 });
    expect(fileShape(file('uncompacted.hnsw'))).toEqual({ elements: 3000, capacity: 4096 });
    expect(fs.statSync(file('b.hnsw')).size * 20).toBeLessThan(fs.statSync(file('uncompacted.hnsw')).size);
  });

  it('keeps every live vector and label, drops every deleted one', () => {
    const w = VectorWriter.create(DIM);
    const vs = vectors(200, 3);
    vs.forEach((v, i) => w.add(i + 1, v));
    const ids = Array.from({ length: 200 }, (_, i) => i + 1);
    w.remove(ids.filter((id) => id % 2 === 1 || id <= 50)); // odd ids, and everything up to 50
    const live = Array.from({ length: 75 }, (_, i) => 52 + 2 * i);
    expect(w.liveIds()).toEqual(live);
    const r = w.write(file('c.hnsw'));
    expect(r.compacted).toBe(true);
    const reopened = VectorWriter.fromFile(file('c.hnsw'), DIM);
    expect(reopened.liveIds()).toEqual(live);
    for (const id of live) {
      const got = reopened.vectorOf(id)!;
      got.forEach((x, k) => expect(x).toBeCloseTo(vs[id - 1]![k]!, 6));
    }
    expect(reopened.vectorOf(1)).toBeUndefined();
    expect(reopened.vectorOf(9999)).toBeUndefined();
    const reader = new VectorReader(file('c.hnsw'), DIM, live.length);
    const hits = reader.search(vs[0]!, 75);
    expect(hits.map((h) => h.passageId).sort((x, y) => x - y)).toEqual(live);
  });

  it('searches exactly like a fresh build of the same vectors inserted in the same order', () => {
    const keep = vectors(400, 4);
    const fresh = VectorWriter.create(DIM);
    keep.forEach((v, i) => fresh.add(i + 1, v));
    fresh.write(file('fresh.hnsw'));

    // A history: another corpus first, swapped out, then the same 400 vectors under later ids.
    const swapped = VectorWriter.create(DIM);
    vectors(2500, 5).forEach((v, i) => swapped.add(i + 1, v));
    swapped.write(file('g1.hnsw'));
    const next = VectorWriter.fromFile(file('g1.hnsw'), DIM);
    next.remove(Array.from({ length: 2500 }, (_, i) => i + 1));
    keep.forEach((v, i) => next.add(10_000 + i + 1, v));
    expect(next.write(file('g2.hnsw'), 400).compacted).toBe(true);

    const a = new VectorReader(file('fresh.hnsw'), DIM, 400);
    const b = new VectorReader(file('g2.hnsw'), DIM, 400);
    for (const q of vectors(50, 6)) {
      const ha = a.search(q, 10);
      const hb = b.search(q, 10);
      expect(hb.map((h) => h.passageId - 10_000)).toEqual(ha.map((h) => h.passageId));
      hb.forEach((h, k) => expect(h.score).toBeCloseTo(ha[k]!.score, 6));
    }
    expect(fs.statSync(file('g2.hnsw')).size).toBe(fs.statSync(file('fresh.hnsw')).size);
  });

  it('rebuilds an index whose capacity is far above its live count', () => {
    const raw = new hnswlib.HierarchicalNSW('cosine', DIM);
    raw.initIndex({ maxElements: 50_000, m: 16, efConstruction: 100, randomSeed: 42, allowReplaceDeleted: true });
    vectors(10, 7).forEach((v, i) => raw.addPoint(v, i + 1, true));
    raw.writeIndexSync(file('wide.hnsw'));
    const w = VectorWriter.fromFile(file('wide.hnsw'), DIM);
    expect(w.stats()).toEqual({ elements: 10, live: 10, deleted: 0, capacity: 50_000 });
    expect(w.write(file('narrow.hnsw')).compacted).toBe(true);
    expect(fileShape(file('narrow.hnsw'))).toEqual({ elements: 10, capacity: 10 });
  });

  it('grows again after a compaction to exactly the live count', () => {
    const w = VectorWriter.create(DIM);
    const vs = vectors(1500, 8);
    vs.forEach((v, i) => w.add(i + 1, v));
    w.remove(Array.from({ length: 1490 }, (_, i) => i + 1));
    w.write(file('d.hnsw'), 10);
    const next = VectorWriter.fromFile(file('d.hnsw'), DIM);
    vectors(30, 9).forEach((v, i) => next.add(5000 + i, v));
    const r = next.write(file('e.hnsw'), 40);
    expect(r.compacted).toBe(false);
    expect(r.elements).toBe(40);
    expect(new VectorReader(file('e.hnsw'), DIM, 40).search(vs[1495]!, 1)[0]!.passageId).toBe(1496);
  });
});
