import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { MESSAGES, type Rejection } from './rejection.js';

/** Beside the generations in INDEX_DIR: survives runs that commit nothing (every file rejected, or killed). */
export const QUARANTINE_FILE = 'quarantine.json';

/** A process that died twice while loading the same content blames that content. */
const STRIKES_TO_QUARANTINE = 2;

const Entry = z.object({
  source: z.string(),
  code: z.string(),
  message: z.string(),
  technical: z.string(),
  since: z.string(),
});

const Schema = z.object({
  version: z.literal(1),
  /** Content hash → why the loader died on it. */
  files: z.record(z.string(), Entry),
  /** Content hash → runs that died while loading it (cleared when it loads). */
  strikes: z.record(z.string(), z.number().int().positive()).default({}),
  /** The file being loaded right now; left behind only when the process died meanwhile. */
  loading: z.object({ hash: z.string(), source: z.string() }).optional(),
});
type Data = z.infer<typeof Schema>;

/**
 * Files whose loader crashed (the worker ran out of memory, timed out or
 * died), keyed by content hash, so the next runs report them rejected without
 * loading them again until the file changes. A file being loaded when the
 * whole ingest process died (a crash no worker can contain) gets a strike; a
 * second strike quarantines it too — one strike alone may be a plain kill.
 */
export class Quarantine {
  private constructor(
    private readonly file: string,
    private data: Data,
  ) {}

  static open(indexDir: string): Quarantine {
    const file = path.join(indexDir, QUARANTINE_FILE);
    let data: Data = { version: 1, files: {}, strikes: {} };
    try {
      const parsed = Schema.safeParse(JSON.parse(fs.readFileSync(file, 'utf8')));
      if (parsed.success) data = parsed.data; // a damaged file only costs the memory of past crashes
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT' && !(e instanceof SyntaxError)) throw e;
    }
    for (const f of fs.existsSync(indexDir) ? fs.readdirSync(indexDir) : []) {
      if (f.startsWith(`${QUARANTINE_FILE}.`) && f.endsWith('.tmp')) fs.rmSync(path.join(indexDir, f), { force: true });
    }
    const q = new Quarantine(file, data);
    q.blameUnfinishedLoad();
    return q;
  }

  private blameUnfinishedLoad(): void {
    const loading = this.data.loading;
    if (!loading) return;
    this.data.loading = undefined;
    const strikes = (this.data.strikes[loading.hash] ?? 0) + 1;
    this.data.strikes[loading.hash] = strikes;
    if (strikes >= STRIKES_TO_QUARANTINE) {
      this.add(loading.hash, loading.source, {
        code: 'loader-crashed',
        message: MESSAGES.diedWhileLoading,
        technical: `${loading.source}: the ingest process ended ${strikes} times while loading it`,
      });
      return;
    }
    this.save();
  }

  get(hash: string): (Rejection & { since: string }) | undefined {
    return this.data.files[hash];
  }

  /** Before handing a file to the loader. */
  beginLoading(hash: string, source: string): void {
    this.data.loading = { hash, source };
    this.save();
  }

  /** After the loader answered (loaded, rejected or crashed). */
  endLoading(hash: string): void {
    this.data.loading = undefined;
    delete this.data.strikes[hash];
    this.save();
  }

  add(hash: string, source: string, rejection: Rejection): void {
    delete this.data.strikes[hash];
    this.data.files[hash] = { source, code: rejection.code, message: rejection.message, technical: rejection.technical, since: new Date().toISOString() };
    this.save();
  }

  /** Forgets content no longer in the corpus (a file replaced or removed). */
  keepOnly(hashes: ReadonlySet<string>): void {
    let changed = false;
    for (const h of Object.keys(this.data.files)) {
      if (!hashes.has(h)) {
        delete this.data.files[h];
        changed = true;
      }
    }
    for (const h of Object.keys(this.data.strikes)) {
      if (!hashes.has(h)) {
        delete this.data.strikes[h];
        changed = true;
      }
    }
    if (changed) this.save();
  }

  private save(): void {
    const empty = Object.keys(this.data.files).length === 0 && Object.keys(this.data.strikes).length === 0 && !this.data.loading;
    if (empty) {
      fs.rmSync(this.file, { force: true });
      return;
    }
    const tmp = `${this.file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(this.data, null, 1));
    fs.renameSync(tmp, this.file);
  }
}
