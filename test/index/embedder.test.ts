import { Embeddings } from '@langchain/core/embeddings';
import { describe, expect, it } from 'vitest';
import { hashEmbed, LocalHashEmbeddings } from '../../src/index/embedder.js';

const cosine = (a: number[], b: number[]) => a.reduce((s, x, i) => s + x * b[i]!, 0);

describe('LocalHashEmbeddings', () => {
  it('implements the LangChain Embeddings interface and records a stable identity', async () => {
    const e = new LocalHashEmbeddings(256);
    expect(e).toBeInstanceOf(Embeddings);
    expect(e.identity).toEqual({ id: 'local-hash-v1', dimensions: 256 });
    const [v] = await e.embedDocuments(['生均公用经费']);
    expect(v).toHaveLength(256);
  });

  it('is deterministic and unit length', () => {
    const a = hashEmbed('推进县域义务教育优质均衡发展', 384);
    const b = hashEmbed('推进县域义务教育优质均衡发展', 384);
    expect(a).toEqual(b);
    expect(cosine(a, a)).toBeCloseTo(1, 6);
  });

  it('places a question nearer the passage that shares its terms than an unrelated one', () => {
    const q = hashEmbed('初中生均体育运动场馆面积要达到多少', 384);
    const near = hashEmbed('初中生均体育运动场馆面积应达到10.2平方米以上', 384);
    const far = hashEmbed('加强校本教研，促进教师专业化发展', 384);
    expect(cosine(q, near)).toBeGreaterThan(0.4);
    expect(cosine(q, near)).toBeGreaterThan(cosine(q, far) + 0.3);
  });

  it('treats full-width and half-width digits alike', () => {
    expect(hashEmbed('经费２０００元', 128)).toEqual(hashEmbed('经费2000元', 128));
  });

  it('gives a zero vector, not NaN, for text without words', () => {
    const v = hashEmbed('。。！', 64);
    expect(v.every((x) => x === 0)).toBe(true);
  });
});
