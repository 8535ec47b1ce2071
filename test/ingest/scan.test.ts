import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { scanCorpus, scanCorpusWithSkipped } from '../../src/ingest/scan.js';
import { tempDir } from './pipelineFixture.js';

const dir = tempDir('scan');
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('scanCorpusWithSkipped', () => {
  it('lists regular files and says which entries it left out, and why', () => {
    fs.mkdirSync(path.join(dir, 'sub'));
    fs.mkdirSync(path.join(dir, 'checklists'));
    fs.mkdirSync(path.join(dir, '.git'));
    fs.writeFileSync(path.join(dir, 'a.txt'), '甲');
    fs.writeFileSync(path.join(dir, 'sub', 'b.md'), '乙');
    fs.writeFileSync(path.join(dir, 'sub', '.~lock.b.md#'), '');
    fs.writeFileSync(path.join(dir, 'checklists', 'x.yaml'), 'a: 1');
    fs.symlinkSync(path.join(dir, 'a.txt'), path.join(dir, 'link.txt'));
    fs.symlinkSync(path.join(dir, 'sub'), path.join(dir, 'linked-folder'));
    execFileSync('mkfifo', [path.join(dir, 'pipe.txt')]); // reading it would block the ingest forever

    const { files, skipped } = scanCorpusWithSkipped([dir]);
    expect(files.map((f) => f.source)).toEqual(['a.txt', 'sub/b.md']);
    expect(skipped).toEqual([
      { source: '.git/', kind: 'hidden' },
      { source: 'link.txt', kind: 'symlink' },
      { source: 'linked-folder', kind: 'symlink' },
      { source: 'pipe.txt', kind: 'special' },
      { source: 'sub/.~lock.b.md#', kind: 'hidden' },
    ]);
    // The checklist definitions are data, not documents: left out silently, as before.
    expect(scanCorpus([dir])).toEqual(files);
  });

  it('leaves YAML data files out silently: sources.yaml, lexicon/, checklists/, anywhere', () => {
    const root = tempDir('scan-yaml');
    try {
      fs.mkdirSync(path.join(root, 'lexicon'));
      fs.mkdirSync(path.join(root, 'checklists'));
      fs.mkdirSync(path.join(root, 'sub'));
      fs.writeFileSync(path.join(root, 'sources.yaml'), '[]');
      fs.writeFileSync(path.join(root, 'lexicon', 'synonyms.yaml'), '[]');
      fs.writeFileSync(path.join(root, 'checklists', 'jiben-2012.yaml'), 'id: x');
      fs.writeFileSync(path.join(root, 'sub', 'notes.YML'), 'a: 1');
      fs.writeFileSync(path.join(root, 'plan.md'), '# 方案');
      const { files, skipped } = scanCorpusWithSkipped([root]);
      expect(files.map((f) => f.source)).toEqual(['plan.md']);
      expect(skipped).toEqual([]);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
