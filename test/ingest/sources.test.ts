import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { JunhengError } from '../../src/errors.js';
import { runIngest } from '../../src/ingest/pipeline.js';
import { listingKey, parseSources, readSourceListings, SOURCES_FILE } from '../../src/ingest/sources.js';
import { staleReason } from '../../src/index/freshness.js';
import { currentGeneration } from '../../src/index/generations.js';
import { PassageIndex } from '../../src/index/reader.js';
import { thrown } from '../helpers/thrown.js';
import { CountingEmbeddings, repoRoot, seedsDir, SEEDS, STANDARDS_MD, tempDirsOfThisFile } from './pipelineFixture.js';

const MAX = 100 * 1024 * 1024;
const { temp } = tempDirsOfThisFile();
const REPO_SOURCES = path.join(repoRoot, 'corpus', SOURCES_FILE);
const STANDARDS = path.basename(STANDARDS_MD);

describe('parseSources', () => {
  it("accepts the repository's corpus/sources.yaml: the standards restatement is not an official text", () => {
    const entries = parseSources(fs.readFileSync(REPO_SOURCES, 'utf8'), REPO_SOURCES);
    expect(entries).toEqual([expect.objectContaining({ file: STANDARDS, kind: 'restatement' })]);
    expect(entries[0]!.reason).toMatch(/[\u4e00-\u9fff]/);
  });

  it('rejects a wrong kind, a missing reason, an unknown key and a file listed twice, in Chinese', () => {
    const bad = [
      '- file: a.md\n  kind: summary\n  reason: 说明',
      '- file: a.md\n  kind: restatement',
      '- file: a.md\n  kind: document\n  reason: 说明\n  title: 甲',
      '- file: a.md\n  kind: document\n  reason: 说明\n- file: a.md\n  kind: restatement\n  reason: 说明',
      '- file: a.md\n  kind: [',
    ];
    for (const text of bad) {
      const e = thrown(() => parseSources(text, 'corpus/sources.yaml'));
      expect(e, text).toBeInstanceOf(JunhengError);
      expect((e as JunhengError).userMessage, text).toMatch(/^corpus\/sources\.yaml.*[\u4e00-\u9fff]/);
    }
    expect((thrown(() => parseSources(bad[0]!, 's.yaml')) as JunhengError).userMessage).toContain('document 或 restatement');
  });

  it('reads an empty file as an empty list', () => {
    expect(parseSources('# 还没有条目\n', 's.yaml')).toEqual([]);
  });

  it('names listed files the way the scanner names sources, prefixed when there are several folders', () => {
    const dir = temp('listing');
    fs.copyFileSync(REPO_SOURCES, path.join(dir, SOURCES_FILE));
    expect([...readSourceListings([dir]).keys()]).toEqual([STANDARDS]);
    expect([...readSourceListings([dir, seedsDir]).keys()]).toEqual([`${path.basename(dir)}/${STANDARDS}`]);
    expect(readSourceListings([seedsDir]).size).toBe(0);
    expect(listingKey({ kind: 'restatement' })).toBe('{"kind":"restatement"}');
    expect(listingKey(undefined)).toBe('');
  });
});

describe('ingest with a sources list', () => {
  const corpus = temp('corpus');
  fs.copyFileSync(STANDARDS_MD, path.join(corpus, STANDARDS));
  fs.copyFileSync(REPO_SOURCES, path.join(corpus, SOURCES_FILE));
  fs.mkdirSync(path.join(corpus, 'checklists'));
  fs.writeFileSync(path.join(corpus, 'checklists', 'x.yaml'), 'id: x\n');
  fs.mkdirSync(path.join(corpus, 'lexicon'));
  fs.writeFileSync(path.join(corpus, 'lexicon', 'synonyms.yaml'), '- everyday: [老师]\n');
  fs.writeFileSync(path.join(corpus, 'notes.yml'), 'a: 1\n');
  const dirs = [corpus, seedsDir];
  const indexDir = temp('index');
  const embedder = new CountingEmbeddings();
  const standards = `${path.basename(corpus)}/${STANDARDS}`;

  it('marks the listed restatement, leaves the other folder official, and neither ingests nor reports YAML', async () => {
    const s = await runIngest({ dirs, indexDir, embedder, maxFileBytes: MAX });
    expect(s.outcomes.map((o) => o.source)).toEqual([standards, ...SEEDS.map((n) => `seeds/${n}`)]);
    expect(s.rejected).toBe(0);
    expect(s.skipped).toEqual([]);
    const index = PassageIndex.open(indexDir, embedder);
    const kinds = Object.fromEntries(index.documents().map((d) => [d.source, d.kind]));
    expect(kinds[standards]).toBe('restatement');
    for (const n of SEEDS) expect(kinds[`seeds/${n}`]).toBe('document');
    const p = index.passagesOf(standards)[0]!;
    expect(p).toMatchObject({ kind: 'restatement', shortTitle: '县域义务教育均衡发展国家督导评估标准整理稿' });
    expect(index.documents().find((d) => d.source === `seeds/${SEEDS[4]}`)?.shortTitle).toBe('义务教育均衡发展规划（五篇）');
    index.close();
  });

  it('re-reads only the file whose entry changed, and applies its short title', async () => {
    expect(staleReason(indexDir, dirs, embedder)).toBeNull();
    fs.appendFileSync(path.join(corpus, SOURCES_FILE), '  shortTitle: 督导评估标准整理稿\n');
    expect(staleReason(indexDir, dirs, embedder)).toBe('文件说明（sources.yaml）有改动');
    const before = embedder.embedded;
    const s = await runIngest({ dirs, indexDir, embedder, maxFileBytes: MAX });
    expect(s.indexed).toBe(1);
    expect(s.unchanged).toBe(SEEDS.length);
    const index = PassageIndex.open(indexDir, embedder);
    const doc = index.documents().find((d) => d.source === standards)!;
    expect(doc).toMatchObject({ kind: 'restatement', shortTitle: '督导评估标准整理稿' });
    expect(embedder.embedded - before).toBe(doc.passageCount);
    index.close();
  });

  it('makes a file official again when its entry is removed', async () => {
    fs.rmSync(path.join(corpus, SOURCES_FILE));
    const s = await runIngest({ dirs, indexDir, embedder, maxFileBytes: MAX });
    expect(s.indexed).toBe(1);
    const index = PassageIndex.open(indexDir, embedder);
    expect(index.documents().find((d) => d.source === standards)).toMatchObject({
      kind: 'document',
      shortTitle: '县域义务教育均衡发展国家督导评估标准整理稿',
    });
    index.close();
  });

  it('refuses to build from a broken sources.yaml and keeps the current index', async () => {
    const current = currentGeneration(indexDir);
    fs.writeFileSync(path.join(corpus, SOURCES_FILE), `- file: ${STANDARDS}\n  kind: 整理稿\n  reason: 说明\n`);
    expect(staleReason(indexDir, dirs, embedder)).toBe('文件说明（sources.yaml）需要检查');
    const e = await runIngest({ dirs, indexDir, embedder, maxFileBytes: MAX }).catch((err: unknown) => err);
    expect(e).toBeInstanceOf(JunhengError);
    expect((e as JunhengError).userMessage).toContain('kind 只能是 document 或 restatement');
    expect(currentGeneration(indexDir)).toBe(current);
  });
});
