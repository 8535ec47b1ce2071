import { describe, expect, it } from 'vitest';
import { configSecrets, loadConfig } from '../src/config.js';
import { ConfigError } from '../src/errors.js';
import { thrown } from './helpers/thrown.js';

describe('loadConfig', () => {
  it('treats empty values (as copied from .env.example) as unset', () => {
    const c = loadConfig({ WEBHOOK_URL: '', TELEGRAM_BOT_TOKEN: '', STATE_DB: '', ADMIN_USER_IDS: '' }, '/x');
    expect(c.telegram.webhookUrl).toBeNull();
    expect(c.telegram.token).toBeNull();
    expect(c.stateDb).toBe('/x/data/state.db');
  });

  it('reads Telegram settings and user id lists', () => {
    const c = loadConfig({ TELEGRAM_BOT_TOKEN: ' 123:abc ', ADMIN_USER_IDS: '11, 22', ALLOWED_USER_IDS: '11，22 33', TELEGRAM_API_ROOT: 'http://127.0.0.1:9/' }, '/x');
    expect(c.telegram).toMatchObject({ token: '123:abc', adminIds: [11, 22], allowedIds: [11, 22, 33], apiRoot: 'http://127.0.0.1:9' });
    const e = thrown(() => loadConfig({ ADMIN_USER_IDS: '11,bob' }, '/x'));
    expect((e as ConfigError).userMessage).toMatch(/ADMIN_USER_IDS.*bob/u);
  });

  it('uses the documented defaults', () => {
    const c = loadConfig({}, '/srv/junheng');
    expect(c).toEqual({
      corpusDir: '/srv/junheng/corpus',
      indexDir: '/srv/junheng/index',
      checklistDir: '/srv/junheng/corpus/checklists',
      stateDb: '/srv/junheng/data/state.db',
      legacyStateDb: '/srv/junheng/index/state.db',
      database: null,
      reportDir: '/srv/junheng/reports',
      maxFileBytes: 100 * 1024 * 1024,
      embedder: 'local',
      embeddings: null,
      rerank: null,
      llm: null,
      logLevel: 'info',
      telegram: { token: null, apiRoot: 'https://api.telegram.org', webhookUrl: null, webhookPort: 8080, webhookSecret: null, adminIds: [], allowedIds: [] },
    });
  });

  it('keeps user state outside the index, and resolves STATE_DB against the working directory', () => {
    const c = loadConfig({ INDEX_DIR: 'idx' }, '/srv/junheng');
    expect(c.stateDb).toBe('/srv/junheng/data/state.db');
    expect(c.legacyStateDb).toBe('/srv/junheng/idx/state.db');
    const own = loadConfig({ STATE_DB: 'var/users.db' }, '/srv/junheng');
    expect(own.stateDb).toBe('/srv/junheng/var/users.db');
    expect(own.legacyStateDb).toBeUndefined();
  });

  it('reads DATABASE_URL (user state on PostgreSQL) and keeps its password out of the log', () => {
    const c = loadConfig({ DATABASE_URL: 'postgres://junheng:s3cr%40t@db.internal:5432/junheng', WEBHOOK_SECRET: 'abc_DEF-1' }, '/x');
    expect(c.database).toEqual({ url: 'postgres://junheng:s3cr%40t@db.internal:5432/junheng', poolSize: 10 });
    expect(c.telegram.webhookSecret).toBe('abc_DEF-1');
    expect(configSecrets(c)).toEqual(['s3cr@t']);
    const e = thrown(() => loadConfig({ DATABASE_URL: 'mysql://x@y/z' }, '/x')) as ConfigError;
    expect(e.userMessage).toMatch(/配置有误.*DATABASE_URL/u);
    expect((thrown(() => loadConfig({ WEBHOOK_SECRET: '含中文' }, '/x')) as ConfigError).userMessage).toMatch(/WEBHOOK_SECRET/u);
  });

  it('rejects a nonsense value with a Chinese message naming the variable', () => {
    expect(() => loadConfig({ MAX_FILE_MB: 'abc' }, '/x')).toThrow(ConfigError);
    const e = thrown(() => loadConfig({ MAX_FILE_MB: '-1' }, '/x'));
    expect(e).toBeInstanceOf(ConfigError);
    expect((e as ConfigError).userMessage).toMatch(/配置有误.*MAX_FILE_MB/);
  });

  it('reads an embeddings and a rerank service, each named by base URL and model together', () => {
    const c = loadConfig({ EMBEDDINGS_BASE_URL: 'http://127.0.0.1:11434/v1', EMBEDDINGS_MODEL: 'bge-m3', RERANK_BASE_URL: 'http://127.0.0.1:9997/v1', RERANK_MODEL: 'bge-reranker-v2-m3', RERANK_API_KEY: 'sk-test-SECRET-123' }, '/x');
    expect(c.embeddings).toEqual({ baseURL: 'http://127.0.0.1:11434/v1', model: 'bge-m3', apiKey: null });
    expect(c.rerank).toEqual({ baseURL: 'http://127.0.0.1:9997/v1', model: 'bge-reranker-v2-m3', apiKey: 'sk-test-SECRET-123' });
    expect(configSecrets(c)).toEqual(['sk-test-SECRET-123']);
    for (const [given, missing] of [['EMBEDDINGS_BASE_URL', 'EMBEDDINGS_MODEL'], ['EMBEDDINGS_MODEL', 'EMBEDDINGS_BASE_URL'], ['RERANK_MODEL', 'RERANK_BASE_URL']] as const) {
      const e = thrown(() => loadConfig({ [given]: given.endsWith('URL') ? 'http://127.0.0.1:1/v1' : 'm' }, '/x'));
      expect(e).toBeInstanceOf(ConfigError);
      expect((e as ConfigError).userMessage).toBe(`配置有误：${given.split('_')[0]}_BASE_URL 和 ${given.split('_')[0]}_MODEL 要同时填写或同时留空，现在只填了 ${given}，请补上 ${missing}。`);
    }
  });
});
