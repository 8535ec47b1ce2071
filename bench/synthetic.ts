import fs from 'node:fs';
import path from 'node:path';
import { mulberry32 } from '../test/helpers/random.js';

/**
 * Writes files of ~256 KB made of seed paragraphs in shuffled order (numbers
 * varied so texts differ) until `bytes` are written. Built at bench time from
 * ../shared/seeds; nothing of it is committed.
 */
export function buildSyntheticCorpus(seedsDir: string, dir: string, bytes: number): void {
  fs.mkdirSync(dir, { recursive: true });
  const paragraphs = fs
    .readdirSync(seedsDir)
    .flatMap((f) => fs.readFileSync(path.join(seedsDir, f), 'utf8').split('\n'))
    .filter((l) => l.trim().length > 40);
  const rand = mulberry32(20261122);
  let written = 0;
  for (let file = 0; written < bytes; file++) {
    const parts: string[] = [`第${file + 1}篇 综合材料汇编`];
    let size = 0;
    while (size < 256 * 1024) {
      const p = paragraphs[Math.floor(rand() * paragraphs.length)]!.replace(/\d+/g, (d) => String(Number(d) + Math.floor(rand() * 9)));
      parts.push(p);
      size += Buffer.byteLength(p) + 1;
    }
    const text = `${parts.join('\n')}\n`;
    fs.writeFileSync(path.join(dir, `synthetic-${String(file).padStart(4, '0')}.txt`), text);
    written += Buffer.byteLength(text);
  }
}
