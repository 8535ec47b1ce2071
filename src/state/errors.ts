import { JunhengError } from '../errors.js';

export const SAVE_DAMAGED = '保存进度时出错：用户数据文件损坏。请联系管理员；问题照常可以回答。';
export const SAVE_FAILED_DB = '保存进度时出错：用户数据库暂时连不上或无法写入。请稍后再试；问题照常可以回答。';
export const SAVE_FAILED = '保存进度时出错：用户数据文件暂时无法写入。请联系管理员；问题照常可以回答。';

/**
 * The user-state database failed. `damaged` says the file itself is bad
 * (corrupt pages, not a database, failed integrity check), as opposed to a
 * disk that is full or read-only: only a damaged file is moved aside.
 */
export class StateDbError extends JunhengError {
  constructor(
    userMessage: string,
    technical: string,
    readonly damaged: boolean,
    options?: { cause?: unknown },
  ) {
    super(userMessage, technical, options);
  }
}

/** better-sqlite3's SqliteError carries the (extended) result code as a string. */
function sqliteCode(e: unknown): string | undefined {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_') ? code : undefined;
}

export function isSqliteError(e: unknown): boolean {
  return sqliteCode(e) !== undefined;
}

/** True when the error means the database file is damaged rather than unavailable. */
export function isDamage(e: unknown): boolean {
  if (e instanceof StateDbError) return e.damaged;
  const code = sqliteCode(e);
  // Extended codes (SQLITE_CORRUPT_INDEX, …) are damage too.
  return code !== undefined && (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB');
}
