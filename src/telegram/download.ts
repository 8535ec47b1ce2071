import { JunhengError } from '../errors.js';

/** "20", "0.5": megabytes as a person reads them. */
function megabytes(bytes: number): string {
  return String(Number((bytes / 1024 / 1024).toFixed(1)));
}

/** More bytes arrived (or were announced) than the limit allows; the download was stopped. */
export class FileTooLargeError extends JunhengError {
  constructor(
    readonly maxBytes: number,
    /** Bytes received before stopping (0 when Content-Length already said too much). */
    readonly receivedBytes: number,
    readonly declaredBytes?: number,
  ) {
    super(
      `文件太大（超过 ${megabytes(maxBytes)} MB），请拆分或压缩后再发。`,
      declaredBytes !== undefined
        ? `download refused: Content-Length ${declaredBytes} > ${maxBytes}`
        : `download stopped after ${receivedBytes} bytes > ${maxBytes}`,
    );
  }
}

/** The server answered with an error, or the connection broke off. */
export class DownloadFailedError extends JunhengError {}

function declaredLength(response: Response): number | undefined {
  const raw = response.headers.get('content-length');
  if (raw === null || !/^\s*\d+\s*$/u.test(raw)) return undefined;
  return Number(raw);
}

/**
 * Reads a download's body, at most `maxBytes` of it. Stops (cancelling the
 * body, which closes the connection) and throws FileTooLargeError as soon as
 * more than `maxBytes` have arrived — whatever Content-Length or Telegram's
 * `file_size` said, or when they said nothing; a Content-Length above the
 * limit is refused before reading anything.
 */
export async function downloadWithLimit(response: Response, maxBytes: number): Promise<Buffer> {
  if (!response.ok) {
    await response.body?.cancel().catch(() => undefined);
    throw new DownloadFailedError('文件下载失败，请稍后再发一次。', `file download failed: HTTP ${response.status}`);
  }
  const declared = declaredLength(response);
  if (declared !== undefined && declared > maxBytes) {
    await response.body?.cancel().catch(() => undefined);
    throw new FileTooLargeError(maxBytes, 0, declared);
  }
  if (!response.body) return Buffer.alloc(0);

  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let received = 0;
  try {
    for (;;) {
      let next: ReadableStreamReadResult<Uint8Array>;
      try {
        next = await reader.read();
      } catch (e) {
        throw new DownloadFailedError('文件下载中断，请再发一次。', `file download broke off after ${received} bytes`, { cause: e });
      }
      if (next.done) break;
      received += next.value.byteLength;
      if (received > maxBytes) {
        await reader.cancel().catch(() => undefined);
        throw new FileTooLargeError(maxBytes, received);
      }
      chunks.push(next.value);
    }
  } finally {
    reader.releaseLock();
  }
  return Buffer.concat(chunks, received);
}
