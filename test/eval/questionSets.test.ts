import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readQuestions } from '../../src/eval/questions.js';
import { sharedDir } from '../helpers/shared.js';

const dir = path.resolve('test/eval/questions');
const squash = (t: string) => t.normalize('NFKC').replace(/\s+/gu, '');

/** The document a gold span names: a seed, or a file of corpus/. */
function documentText(doc: string): string {
  const candidates = [path.join(sharedDir, 'seeds', doc), path.resolve('corpus', doc)];
  const found = candidates.find((p) => fs.existsSync(p));
  if (!found) throw new Error(`no document ${doc}`);
  return squash(fs.readFileSync(found, 'utf8'));
}

describe('our own question sets', () => {
  for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.jsonl'))) {
    it(`${file}: parses, ids are unique, and every gold span is in its document (keywords may be computed: 13770 from the asker's own figures)`, () => {
      const questions = readQuestions(path.join(dir, file));
      expect(questions.length).toBeGreaterThan(0);
      expect(new Set(questions.map((q) => q.id)).size).toBe(questions.length);
      for (const q of questions) {
        if (!q.answerable) {
          expect(q.gold, q.id).toEqual([]);
          continue;
        }
        expect(q.gold.length, q.id).toBeGreaterThan(0);
        for (const g of q.gold) expect(documentText(g.doc), `${q.id}: ${g.span}`).toContain(squash(g.span));
      }
    });
  }
});
