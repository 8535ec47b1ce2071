import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { ConfigError } from './errors.js';
import type { RemoteServiceConfig } from './remoteService.js';

/**
 * User state lives outside INDEX_DIR so that deleting the index (always safe)
 * never deletes anyone's progress. Relative to the working directory.
 */
export const DEFAULT_STATE_DB = 'data/state.db';

/** Every environment variable the program reads; `.env.example` lists the same ones. */
const EnvSchema = z.object({
  CORPUS_DIR: z.string().min(1).default('corpus'),
  INDEX_DIR: z.string().min(1).default('index'),
  CHECKLIST_DIR: z.string().min(1).default('corpus/checklists'),
  STATE_DB: z.string().min(1).optional(),
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//u, 'postgres://用户:密码@主机:端口/库名').optional(),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(2).max(200).default(10),
  REPORT_DIR: z.string().min(1).default('reports'),
  MAX_FILE_MB: z.coerce.number().positive().max(2048).default(100),
  EMBEDDER: z.enum(['local']).default('local'),
  EMBEDDINGS_BASE_URL: z.url().optional(),
  EMBEDDINGS_MODEL: z.string().optional(),
  EMBEDDINGS_API_KEY: z.string().optional(),
  RERANK_BASE_URL: z.url().optional(),
  RERANK_MODEL: z.string().optional(),
  RERANK_API_KEY: z.string().optional(),
  LLM_BASE_URL: z.url().optional(),
  LLM_MODEL: z.string().optional(),
  LLM_API_KEY: z.string().optional(),
  LLM_TIMEOUT_S: z.coerce.number().positive().max(600).default(20),
  TELEGRAM_BOT_TOKEN: z.string().optional(),
  TELEGRAM_API_ROOT: z.url().default('https://api.telegram.org'),
  WEBHOOK_URL: z.url().optional(),
  WEBHOOK_PORT: z.coerce.number().int().min(1).max(65535).default(8080),
  WEBHOOK_SECRET: z.string().regex(/^[A-Za-z0-9_-]{1,256}$/u, '只能用字母、数字、_ 和 -，最长 256 个字符').optional(),
  ADMIN_USER_IDS: z.string().default(''),
  ALLOWED_USER_IDS: z.string().default(''),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export interface Config {
  corpusDir: string;
  indexDir: string;
  /** Checklist definitions (YAML), independent of the corpus being indexed. */
  checklistDir: string;
  /** User state (checklist runs, tour progress); outside INDEX_DIR by default. */
  stateDb: string;
  /**
   * Set when `stateDb` is the default: the old default `<INDEX_DIR>/state.db`,
   * moved to `stateDb` once if it exists and `stateDb` does not.
   */
  legacyStateDb?: string;
  /**
   * PostgreSQL for user state shared by several instances (DATABASE_URL);
   * null: the SQLite file `stateDb`, one process.
   */
  database: { url: string; poolSize: number } | null;
  /** Where the terminal saves report files. */
  reportDir: string;
  maxFileBytes: number;
  embedder: 'local';
  /** An OpenAI-compatible embeddings service (EMBEDDINGS_*), used instead of `embedder` when set. */
  embeddings: RemoteServiceConfig | null;
  /** A /rerank service (RERANK_*) for the rerank stage; null: the fitted ranking alone. */
  rerank: RemoteServiceConfig | null;
  /** An OpenAI-compatible chat model (LLM_*) that rewrites answers, verified; null: extractive answers only. */
  llm: (RemoteServiceConfig & { timeoutMs: number }) | null;
  logLevel: z.infer<typeof EnvSchema>['LOG_LEVEL'];
  telegram: {
    /** Unset or empty: `npm start` opens the terminal chat instead. */
    token: string | null;
    apiRoot: string;
    /** Set: webhook mode on `webhookPort`; unset: long polling. */
    webhookUrl: string | null;
    webhookPort: number;
    /** Telegram sends it with every webhook request (WEBHOOK_SECRET); other requests are refused. */
    webhookSecret: string | null;
    /** May add documents to the corpus by sending them. */
    adminIds: number[];
    /** Empty: everyone may use the bot. */
    allowedIds: number[];
  };
}

/** "123, 456" → [123, 456]; anything else in the list is a configuration error. */
function userIds(name: string, value: string): number[] {
  const parts = value.split(/[,，\s]+/u).filter(Boolean);
  const ids = parts.map(Number);
  const bad = parts.filter((_, i) => !Number.isSafeInteger(ids[i]));
  if (bad.length > 0) throw new ConfigError(`配置有误：${name} 应是用逗号分隔的 Telegram 用户 ID（数字），“${bad.join('、')}”不是。`, `${name}: not user ids: ${bad.join(',')}`);
  return ids;
}

/** `<P>_BASE_URL` and `<P>_MODEL` name a service together: both set, or both unset. */
function remoteService(prefix: 'EMBEDDINGS' | 'RERANK' | 'LLM', baseURL: string | undefined, model: string | undefined, apiKey: string | undefined): RemoteServiceConfig | null {
  if (!baseURL && !model) return null;
  if (!baseURL || !model) {
    const given = baseURL ? `${prefix}_BASE_URL` : `${prefix}_MODEL`;
    const missing = baseURL ? `${prefix}_MODEL` : `${prefix}_BASE_URL`;
    throw new ConfigError(`配置有误：${prefix}_BASE_URL 和 ${prefix}_MODEL 要同时填写或同时留空，现在只填了 ${given}，请补上 ${missing}。`, `${prefix}: ${given} set without ${missing}`);
  }
  return { baseURL, model: model.trim(), apiKey: apiKey?.trim() || null };
}

const withTimeout = (service: RemoteServiceConfig | null, seconds: number) => (service ? { ...service, timeoutMs: Math.round(seconds * 1000) } : null);

/** Every secret of the configuration, for the logger to scrub. */
export function configSecrets(config: Config): string[] {
  return [config.telegram.token, config.embeddings?.apiKey, config.rerank?.apiKey, config.llm?.apiKey, databasePassword(config)].filter((s): s is string => !!s);
}

function databasePassword(config: Config): string | undefined {
  if (!config.database) return undefined;
  try {
    return decodeURIComponent(new URL(config.database.url).password) || undefined;
  } catch {
    return undefined;
  }
}

/** Reads `.env` (if present) without overriding variables already set, then validates. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Config {
  const envFile = path.join(cwd, '.env');
  if (env === process.env && fs.existsSync(envFile)) process.loadEnvFile(envFile);
  // An empty line in .env (WEBHOOK_URL=) means "not set", not an empty value.
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v.trim() !== ''));
  const parsed = EnvSchema.safeParse(present);
  if (!parsed.success) {
    const detail = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new ConfigError(`配置有误，请检查 .env：${detail}`, `invalid environment: ${detail}`);
  }
  const e = parsed.data;
  const stateDb = path.resolve(cwd, e.STATE_DB ?? DEFAULT_STATE_DB);
  const indexDir = path.resolve(cwd, e.INDEX_DIR);
  return {
    corpusDir: path.resolve(cwd, e.CORPUS_DIR),
    indexDir,
    checklistDir: path.resolve(cwd, e.CHECKLIST_DIR),
    stateDb,
    ...(stateDb === path.resolve(cwd, DEFAULT_STATE_DB) ? { legacyStateDb: path.join(indexDir, 'state.db') } : {}),
    database: e.DATABASE_URL ? { url: e.DATABASE_URL, poolSize: e.DATABASE_POOL_SIZE } : null,
    reportDir: path.resolve(cwd, e.REPORT_DIR),
    maxFileBytes: Math.round(e.MAX_FILE_MB * 1024 * 1024),
    embedder: e.EMBEDDER,
    embeddings: remoteService('EMBEDDINGS', e.EMBEDDINGS_BASE_URL, e.EMBEDDINGS_MODEL, e.EMBEDDINGS_API_KEY),
    rerank: remoteService('RERANK', e.RERANK_BASE_URL, e.RERANK_MODEL, e.RERANK_API_KEY),
    llm: withTimeout(remoteService('LLM', e.LLM_BASE_URL, e.LLM_MODEL, e.LLM_API_KEY), e.LLM_TIMEOUT_S),
    logLevel: e.LOG_LEVEL,
    telegram: {
      token: e.TELEGRAM_BOT_TOKEN?.trim() || null,
      apiRoot: e.TELEGRAM_API_ROOT.replace(/\/+$/u, ''),
      webhookUrl: e.WEBHOOK_URL ?? null,
      webhookPort: e.WEBHOOK_PORT,
      webhookSecret: e.WEBHOOK_SECRET ?? null,
      adminIds: userIds('ADMIN_USER_IDS', e.ADMIN_USER_IDS),
      allowedIds: userIds('ALLOWED_USER_IDS', e.ALLOWED_USER_IDS),
    },
  };
}
