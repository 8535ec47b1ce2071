import { FileRejectedError, JunhengError } from '../errors.js';

/** A rejection as it travels between threads and processes and into the manifest. */
export interface Rejection {
  code: string;
  message: string;
  technical: string;
}

export const MESSAGES = {
  vanished: '文件在读取时被删除了',
  notRegular: '不是普通文件（可能是文件夹或设备文件），无法读取',
  noPermission: '没有读取这个文件的权限',
  readFailed: '读取文件时出错',
  damaged: '读取文件时出错，文件可能已损坏',
  loaderCrashed: '文件解压后过大或结构异常，无法读取',
  diedWhileLoading: '上次读取这个文件时索引程序意外退出，为避免反复出错不再读取；修改或替换文件后会重新尝试',
  tooLarge: (maxBytes: number) => `文件太大（超过 ${(maxBytes / 1024 / 1024).toFixed(0)} MB），请拆分后再放入`,
  timeout: (ms: number) => `文件读取超时（超过 ${Math.round(ms / 60_000)} 分钟），结构可能异常，无法读取`,
  tooMuchText: (chars: number, cap: number) => `文件内容过多（约 ${amount(chars)}，上限 ${amount(cap)}），请拆分后再放入`,
  tooManyPassages: (passages: number, cap: number) =>
    `文件内容过多（约 ${passages} 段，上限 ${cap} 段），请拆分后再放入`,
};

/** "2233 万字" (or "3012 字" below ten thousand). */
function amount(chars: number): string {
  return chars < 10_000 ? `${chars} 字` : `${Math.round(chars / 10_000)} 万字`;
}

/** Any error thrown while reading one file, as a rejection of that file. */
export function rejectionOf(source: string, e: unknown): Rejection {
  if (e instanceof FileRejectedError) return { code: e.code, message: e.userMessage, technical: e.message };
  const technical = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  const message = e instanceof JunhengError ? e.userMessage : MESSAGES.damaged;
  return { code: 'failed', message, technical: `${source}: ${technical}` };
}

/** A file-system error met while looking at or reading one file, as its rejection. */
export function fileSystemRejection(source: string, e: unknown, maxFileBytes: number): Rejection | undefined {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  const technical = `${source}: ${e instanceof Error ? e.message : String(e)}`;
  switch (code) {
    case 'ENOENT':
      return { code: 'vanished', message: MESSAGES.vanished, technical };
    case 'EISDIR':
    case 'ENOTDIR':
      return { code: 'not-regular', message: MESSAGES.notRegular, technical };
    case 'EACCES':
    case 'EPERM':
      return { code: 'unreadable', message: MESSAGES.noPermission, technical };
    case 'ERR_FS_FILE_TOO_LARGE':
      return { code: 'too-large', message: MESSAGES.tooLarge(maxFileBytes), technical };
    case 'EIO':
    case 'EBUSY':
    case 'EMFILE':
    case 'ENFILE':
    case 'ELOOP':
      return { code: 'unreadable', message: MESSAGES.readFailed, technical };
    default:
      return undefined;
  }
}
