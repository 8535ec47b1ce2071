import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The shared folder sits beside the repo root: texts are read from there at test time, never copied in. */
const here = path.dirname(fileURLToPath(import.meta.url));
export const sharedDir = path.resolve(here, '../..', '../shared');

export function seedPath(name: string): string {
  return path.join(sharedDir, 'seeds', name);
}

export function fixturePath(name: string): string {
  return path.join(sharedDir, 'fixtures', name);
}

/** Seed file names (000_….txt …), sorted. */
export function seedNames(): string[] {
  return fs
    .readdirSync(path.join(sharedDir, 'seeds'))
    .filter((f) => f.endsWith('.txt'))
    .sort();
}

/** The seed whose name starts with a prefix such as "004". */
export function seedName(prefix: string): string {
  const name = seedNames().find((n) => n.startsWith(prefix));
  if (!name) throw new Error(`no seed starting with ${prefix} in ${sharedDir}`);
  return name;
}
