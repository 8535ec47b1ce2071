import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { ConfigError } from '../src/errors.js';
import { thrown } from './helpers/thrown.js';

describe('loadConfig', () => {
  it('uses the documented defaults', () => {
    const c = loadConfig({}, '/srv/junheng');
    expect(c).toEqual({
      corpusDir: '/srv/junheng/corpus',
      indexDir: '/srv/junheng/index',
      checklistDir: '/srv/junheng/corpus/checklists',
      stateDb: '/srv/junheng/index/state.db',
      reportDir: '/srv/junheng/reports',
      maxFileBytes: 100 * 1024 * 1024,
      embedder: 'local',
      logLevel: 'info',
    });
  });

  it('rejects a nonsense value with a Chinese message naming the variable', () => {
    expect(() => loadConfig({ MAX_FILE_MB: 'abc' }, '/x')).toThrow(ConfigError);
    const e = thrown(() => loadConfig({ MAX_FILE_MB: '-1' }, '/x'));
    expect(e).toBeInstanceOf(ConfigError);
    expect((e as ConfigError).userMessage).toMatch(/配置有误.*MAX_FILE_MB/);
  });
});
