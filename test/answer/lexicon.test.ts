import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LEXICON_DIR, LEXICON_FILES, loadLexicon, parseLexicon } from '../../src/answer/lexicon.js';
import { ConfigError } from '../../src/errors.js';

const sources = () => Object.fromEntries(LEXICON_FILES.map((f) => [f, fs.readFileSync(path.join(DEFAULT_LEXICON_DIR, f), 'utf8')]));

describe('the shipped lexicon', () => {
  it('parses, with every question word asking a defined kind of fact', () => {
    const lexicon = loadLexicon();
    expect(lexicon.synonyms.length).toBeGreaterThan(20);
    for (const q of lexicon.questionWords) if (q.asks) expect(lexicon.askedFacts.has(q.asks)).toBe(true);
  });

  it('every entry of every list file carries a reason', () => {
    for (const file of LEXICON_FILES.filter((f) => f !== 'pipeline.yaml' && f !== 'function-words.yaml')) {
      const entries = parse(sources()[file]!) as { reason?: string }[];
      for (const e of entries) expect(e.reason, `${file}: ${JSON.stringify(e)}`).toMatch(/\S{2,}/u);
    }
    const fn = parse(sources()['function-words.yaml']!) as Record<string, { reason?: string }[]>;
    for (const groups of Object.values(fn)) for (const g of groups) expect(g.reason).toMatch(/\S{2,}/u);
  });

  it('every fixed pipeline parameter has its reason next to it', () => {
    const raw = parse(sources()['pipeline.yaml']!) as Record<string, unknown>;
    const check = (o: Record<string, unknown>) => {
      for (const [k, v] of Object.entries(o)) {
        if (typeof v === 'number') expect(o[`${k}Reason`], k).toMatch(/\S{2,}/u);
        else if (v && typeof v === 'object') check(v as Record<string, unknown>);
      }
    };
    check(raw);
  });

  it('a malformed file is refused with a Chinese message naming it', () => {
    const bad = { ...sources(), 'units.yaml': '- label: 生均\n  forms: []\n' };
    expect(() => parseLexicon(bad)).toThrow(ConfigError);
    try {
      parseLexicon(bad);
    } catch (e) {
      expect((e as ConfigError).userMessage).toContain('units.yaml');
    }
  });
});

describe('pipeline.yaml', () => {
  it('refuses a fixed parameter without its reason', () => {
    const bad = { ...sources(), 'pipeline.yaml': sources()['pipeline.yaml']!.replace(/^perChannelReason:.*$/mu, '') };
    expect(() => parseLexicon(bad)).toThrow(/pipeline.yaml/u);
  });
});
