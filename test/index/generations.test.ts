import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { IngestBusyError } from '../../src/errors.js';
import {
  commitGeneration, currentGeneration, generationPath, IngestLock, removeLeftovers, startGeneration,
} from '../../src/index/generations.js';
import { thrown } from '../helpers/thrown.js';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'junheng-gen-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

function build(name: string): void {
  const g = startGeneration(dir, name);
  fs.writeFileSync(path.join(g, 'manifest.json'), '{}');
  commitGeneration(dir, name);
}

describe('generations', () => {
  it('makes a generation current only when committed', () => {
    expect(currentGeneration(dir)).toBeNull();
    const partial = startGeneration(dir, 'g1');
    fs.writeFileSync(path.join(partial, 'manifest.json'), '{}');
    expect(currentGeneration(dir)).toBeNull();
    commitGeneration(dir, 'g1');
    expect(currentGeneration(dir)).toBe('g1');
    expect(fs.existsSync(path.join(generationPath(dir, 'g1'), 'manifest.json'))).toBe(true);
    expect(fs.existsSync(partial)).toBe(false);
  });

  it('cleans partial folders and keeps only the current and the previous generation', () => {
    build('g1');
    build('g2');
    build('g3');
    startGeneration(dir, 'g4');
    fs.writeFileSync(path.join(dir, 'CURRENT.999.tmp'), 'g4');
    const removed = removeLeftovers(dir);
    expect(removed.sort()).toEqual(['CURRENT.999.tmp', 'g1', 'g4.partial']);
    expect(fs.readdirSync(path.join(dir, 'generations')).sort()).toEqual(['g2', 'g3']);
    expect(currentGeneration(dir)).toBe('g3');
  });
});

describe('IngestLock', () => {
  it('refuses a second ingest while a live process holds the lock, in Chinese', async () => {
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)']);
    await new Promise((r) => child.once('spawn', r));
    fs.writeFileSync(path.join(dir, 'ingest.lock'), JSON.stringify({ pid: child.pid, startedAt: 'now' }));
    try {
      const e = thrown(() => IngestLock.acquire(dir));
      expect(e).toBeInstanceOf(IngestBusyError);
      expect((e as IngestBusyError).userMessage).toMatch(/另一个索引任务正在进行/);
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('takes over a lock left by a dead process', async () => {
    const child = spawn(process.execPath, ['-e', '']);
    const pid = child.pid!;
    await new Promise((r) => child.once('exit', r));
    fs.writeFileSync(path.join(dir, 'ingest.lock'), JSON.stringify({ pid, startedAt: 'then' }));
    const { lock, tookOverStale } = IngestLock.acquire(dir);
    expect(tookOverStale).toBe(true);
    lock.release();
    expect(fs.existsSync(path.join(dir, 'ingest.lock'))).toBe(false);
  });

  it('takes over a lock file cut short by a crash', () => {
    fs.writeFileSync(path.join(dir, 'ingest.lock'), '{"pid":');
    const { lock, tookOverStale } = IngestLock.acquire(dir);
    expect(tookOverStale).toBe(true);
    lock.release();
  });
});
