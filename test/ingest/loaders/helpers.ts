import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { FileRejectedError, type RejectionCode } from '../../../src/errors.js';

/** Walks up from this file to the folder that holds `shared/` (it sits beside the repo root). */
function findShared(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = path.join(dir, 'shared', 'fixtures');
    if (fs.existsSync(candidate)) return path.join(dir, 'shared');
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('shared/fixtures not found above ' + fileURLToPath(import.meta.url));
    dir = parent;
  }
}

const SHARED = findShared();
export const FIXTURES_DIR = path.join(SHARED, 'fixtures');
const SEEDS_DIR = path.join(SHARED, 'seeds');

export function fixture(name: string): Buffer {
  return fs.readFileSync(path.join(FIXTURES_DIR, name));
}

/** Seed text by its number prefix (file names carry a hash), line ends normalised, final newline dropped. */
export function seedText(number: string): string {
  const name = fs.readdirSync(SEEDS_DIR).find((f) => f.startsWith(`${number}_`));
  if (!name) throw new Error(`seed ${number} not found in ${SEEDS_DIR}`);
  return fs.readFileSync(path.join(SEEDS_DIR, name), 'utf8').replace(/\r\n?/g, '\n').replace(/\n$/, '');
}

const HAN = /[\u4e00-\u9fff]/;

/** Runs `action`, expects a FileRejectedError with `code` and a Chinese user message; returns it. */
export async function expectRejection(action: () => unknown, code: RejectionCode): Promise<FileRejectedError> {
  let caught: unknown;
  try {
    await action();
  } catch (error) {
    caught = error;
  }
  expect(caught, 'expected a FileRejectedError').toBeInstanceOf(FileRejectedError);
  const error = caught as FileRejectedError;
  expect(error.code).toBe(code);
  expect(error.userMessage).toMatch(HAN);
  expect(error.message.length).toBeGreaterThan(0);
  return error;
}
