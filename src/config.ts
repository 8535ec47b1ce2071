import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { ConfigError } from './errors.js';

/** Every environment variable the program reads; `.env.example` lists the same ones. */
const EnvSchema = z.object({
  CORPUS_DIR: z.string().min(1).default('corpus'),
  INDEX_DIR: z.string().min(1).default('index'),
  CHECKLIST_DIR: z.string().min(1).default('corpus/checklists'),
  STATE_DB: z.string().min(1).optional(),
  REPORT_DIR: z.string().min(1).default('reports'),
  MAX_FILE_MB: z.coerce.number().positive().max(2048).default(100),
  EMBEDDER: z.enum(['local']).default('local'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export interface Config {
  corpusDir: string;
  indexDir: string;
  /** Checklist definitions (YAML), independent of the corpus being indexed. */
  checklistDir: string;
  /** User state (checklist runs); beside the index generations, never inside one. */
  stateDb: string;
  /** Where the terminal saves report files. */
  reportDir: string;
  maxFileBytes: number;
  embedder: 'local';
  logLevel: z.infer<typeof EnvSchema>['LOG_LEVEL'];
}

/** Reads `.env` (if present) without overriding variables already set, then validates. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Config {
  const envFile = path.join(cwd, '.env');
  if (env === process.env && fs.existsSync(envFile)) process.loadEnvFile(envFile);
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const detail = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new ConfigError(`配置有误，请检查 .env：${detail}`, `invalid environment: ${detail}`);
  }
  const e = parsed.data;
  return {
    corpusDir: path.resolve(cwd, e.CORPUS_DIR),
    indexDir: path.resolve(cwd, e.INDEX_DIR),
    checklistDir: path.resolve(cwd, e.CHECKLIST_DIR),
    stateDb: path.resolve(cwd, e.STATE_DB ?? path.join(e.INDEX_DIR, 'state.db')),
    reportDir: path.resolve(cwd, e.REPORT_DIR),
    maxFileBytes: Math.round(e.MAX_FILE_MB * 1024 * 1024),
    embedder: e.EMBEDDER,
    logLevel: e.LOG_LEVEL,
  };
}
