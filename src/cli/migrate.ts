import { loadConfig } from '../config.js';
import { JunhengError } from '../errors.js';
import { openPostgresState } from '../state/open.js';
import { SCHEMA_VERSION } from '../state/pg/schema.js';

/**
 * `npm run migrate`: brings the PostgreSQL at DATABASE_URL to this program's
 * schema and exits. Every instance also does this at start (under a lock, so
 * several starting together are safe); a deployment may run it first, once.
 */
async function main(): Promise<void> {
  const config = loadConfig();
  if (!config.database) {
    process.stdout.write('没有设置 DATABASE_URL：用户数据在本机的 SQLite 文件里，启动时会自动更新，不需要单独迁移。\n');
    return;
  }
  const state = await openPostgresState(config.database);
  await state.close();
  process.stdout.write(`用户数据库的表结构已是第 ${SCHEMA_VERSION} 版。\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof JunhengError ? e.userMessage : String(e)}\n`);
  process.exit(1);
});
