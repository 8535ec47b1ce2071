import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { JunhengError } from '../../src/errors.js';
import { scanCorpus } from '../../src/ingest/scan.js';
import { HISTORY_DIR, listVersions, MAX_NAME_BYTES, MAX_NAME_CHARS, safeFileName, saveToCorpus } from '../../src/ingest/corpusFolder.js';
import { uploadReplyText } from '../../src/telegram/corpusUpload.js';
import { DownloadFailedError, downloadWithLimit, FileTooLargeError } from '../../src/telegram/download.js';

let root: string;
let corpus: string;
beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'junheng-upload-'));
  corpus = path.join(root, 'corpus');
  fs.mkdirSync(corpus);
});
afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

const PLAN = Buffer.from(`某县义务教育优质均衡发展规划（2021—2025年）\n${'一、总体目标\n到2025年，全县义务教育学校达到优质均衡标准。\n'.repeat(300)}`);
const STUB = Buffer.from('测试上传：只有一行的文件，四十个字节左右。');
const at = (s: string) => new Date(s);

describe('saveToCorpus (issue 15 item 3: uploads never destroy)', () => {
  it('saves a new document and says so', () => {
    const r = saveToCorpus(corpus, '规划.txt', PLAN, at('2025-03-01T10:00:00'));
    expect(r).toEqual({ savedName: '规划.txt', savedPath: path.join(corpus, '规划.txt') });
    expect(fs.readFileSync(r.savedPath).equals(PLAN)).toBe(true);
    expect(uploadReplyText(r)).toBe('已收到《规划.txt》，已放入资料库。正在后台重新建立索引，期间照常回答问题（用原有资料），完成后会通知您。');
    expect(listVersions(corpus, '规划.txt')).toEqual([]);
  });

  it('keeps the replaced version in .history and lists the kept versions newest first', () => {
    saveToCorpus(corpus, '规划.txt', PLAN, at('2025-03-01T10:00:00'));
    const second = Buffer.concat([PLAN, Buffer.from('二、修订\n')]);
    const r2 = saveToCorpus(corpus, '规划.txt', second, at('2025-03-02T11:30:05'));
    expect(r2.replaced?.previousVersionPath).toBe(path.join(corpus, HISTORY_DIR, '规划.20250302-113005.txt'));
    expect(uploadReplyText(r2)).toBe(
      '已替换《规划.txt》（旧版本已保留：.history/规划.20250302-113005.txt）。正在后台重新建立索引，期间照常回答问题（用原有资料），完成后会通知您。',
    );
    // The 40-byte file of the defect replaces the 21 KB plan: the plan is still there.
    const r3 = saveToCorpus(corpus, '规划.txt', STUB, at('2025-03-03T08:00:00'));
    expect(fs.readFileSync(r3.savedPath).equals(STUB)).toBe(true);

    const versions = listVersions(corpus, '规划.txt');
    expect(versions.map((v) => v.fileName)).toEqual(['规划.20250303-080000.txt', '规划.20250302-113005.txt']);
    expect(fs.readFileSync(versions[0]!.path).equals(second)).toBe(true);
    expect(fs.readFileSync(versions[1]!.path).equals(PLAN)).toBe(true);
    expect(versions[1]!.bytes).toBe(PLAN.length);
    expect(versions[0]!.replacedAt).toEqual(at('2025-03-03T08:00:00'));
    // Other documents' versions are not listed.
    saveToCorpus(corpus, '规划二.txt', PLAN, at('2025-03-04T08:00:00'));
    saveToCorpus(corpus, '规划二.txt', STUB, at('2025-03-04T09:00:00'));
    expect(listVersions(corpus, '规划.txt')).toHaveLength(2);
    expect(listVersions(corpus, '规划二.txt').map((v) => v.fileName)).toEqual(['规划二.20250304-090000.txt']);
  });

  it('keeps both versions when a name is replaced twice in the same second', () => {
    const now = at('2025-05-05T05:05:05');
    saveToCorpus(corpus, 'a.md', Buffer.from('# 一'), now);
    saveToCorpus(corpus, 'a.md', Buffer.from('# 二'), now);
    const r = saveToCorpus(corpus, 'a.md', Buffer.from('# 三'), now);
    expect(path.basename(r.replaced!.previousVersionPath)).toBe('a.20250505-050505-2.md');
    const versions = listVersions(corpus, 'a.md');
    expect(versions.map((v) => fs.readFileSync(v.path, 'utf8'))).toEqual(['# 二', '# 一']);
  });

  it('writes nothing for the same bytes again, not even a new file time', () => {
    const first = saveToCorpus(corpus, '规划.txt', PLAN, at('2025-03-01T10:00:00'));
    const old = new Date('2024-01-01T00:00:00Z');
    fs.utimesSync(first.savedPath, old, old);
    const r = saveToCorpus(corpus, '规划.txt', Buffer.from(PLAN), at('2025-03-02T10:00:00'));
    expect(r.identical).toBe(true);
    expect(r.replaced).toBeUndefined();
    expect(uploadReplyText(r)).toBe('《规划.txt》与资料库里的版本完全相同，没有改动。');
    expect(fs.statSync(first.savedPath).mtime).toEqual(old);
    expect(fs.existsSync(path.join(corpus, HISTORY_DIR))).toBe(false);
    expect(fs.readdirSync(corpus)).toEqual(['规划.txt']);
  });

  it('saves ../../etc/x.txt as x.txt inside the corpus and replies with x.txt', () => {
    const r = saveToCorpus(corpus, '../../etc/x.txt', STUB);
    expect(r.savedName).toBe('x.txt');
    expect(r.savedPath).toBe(path.join(corpus, 'x.txt'));
    expect(r.renamedFrom).toBe('../../etc/x.txt');
    expect(fs.existsSync(path.join(corpus, '../../etc/x.txt'))).toBe(false);
    const reply = uploadReplyText(r);
    expect(reply).toBe('已收到《x.txt》（原文件名不能直接使用，已按此名保存），已放入资料库。正在后台重新建立索引，期间照常回答问题（用原有资料），完成后会通知您。');
    expect(reply).not.toContain('..');
    expect(reply).not.toContain('etc');
    expect(saveToCorpus(corpus, '..\\..\\y.md', STUB).savedName).toBe('y.md');
    const again = saveToCorpus(corpus, '../../etc/x.txt', PLAN, at('2025-03-01T10:00:00'));
    expect(uploadReplyText(again)).toBe(
      '已替换《x.txt》（旧版本已保留：.history/x.20250301-100000.txt；原文件名不能直接使用，已按此名保存）。正在后台重新建立索引，期间照常回答问题（用原有资料），完成后会通知您。',
    );
  });

  it('shortens long names to 120 characters, keeping the extension, and can still keep their versions', () => {
    const long = `${'关于进一步推进县域义务教育优质均衡发展的实施意见'.repeat(20)}.docx`;
    const r = saveToCorpus(corpus, long, STUB, at('2025-03-01T10:00:00'));
    expect([...r.savedName].length).toBeLessThanOrEqual(MAX_NAME_CHARS);
    expect(Buffer.byteLength(r.savedName)).toBeLessThanOrEqual(MAX_NAME_BYTES);
    expect(r.savedName.endsWith('.docx')).toBe(true);
    expect(r.savedName.startsWith('关于进一步推进')).toBe(true);
    expect(fs.existsSync(r.savedPath)).toBe(true);
    const r2 = saveToCorpus(corpus, long, PLAN, at('2025-03-01T10:00:01'));
    expect(r2.savedName).toBe(r.savedName);
    expect(fs.existsSync(r2.replaced!.previousVersionPath)).toBe(true);
    expect(listVersions(corpus, r.savedName)).toHaveLength(1);
    const ascii = saveToCorpus(corpus, `${'a'.repeat(300)}.pdf`, STUB);
    expect(ascii.savedName).toBe(`${'a'.repeat(MAX_NAME_CHARS - 4)}.pdf`);
  });

  it('renames ".", "..", hidden, reserved and unsafe names', () => {
    const now = at('2025-03-01T10:00:00');
    expect(safeFileName('.', now)).toBe('upload-20250301-100000');
    expect(safeFileName('..', now)).toBe('upload-20250301-100000');
    expect(safeFileName('a/..', now)).toBe('upload-20250301-100000');
    expect(safeFileName('.hidden.txt', now)).toBe('hidden.txt');
    expect(safeFileName('CON.txt', now)).toBe('_CON.txt');
    expect(safeFileName('nul', now)).toBe('_nul');
    expect(safeFileName('lpt1.tar.md', now)).toBe('_lpt1.tar.md');
    expect(safeFileName('规划.txt. . ', now)).toBe('规划.txt');
    expect(safeFileName('a<b>:c|d?.md', now)).toBe('a_b__c_d_.md');
    expect(safeFileName('report\u202Etxt.exe.md', now)).toBe('report_txt.exe.md');
    for (const n of ['规划.txt', '_CON.txt', 'upload-20250301-100000', `${'长'.repeat(200)}.pdf`]) {
      const once = safeFileName(n, now);
      expect(safeFileName(once, now)).toBe(once);
    }
    const r = saveToCorpus(corpus, '..', STUB, now);
    expect(r.savedPath).toBe(path.join(corpus, 'upload-20250301-100000'));
  });

  it('refuses to save over a folder of the same name', () => {
    fs.mkdirSync(path.join(corpus, '规划.txt'));
    const e = (() => {
      try {
        saveToCorpus(corpus, '规划.txt', STUB);
      } catch (err) {
        return err;
      }
      throw new Error('expected a refusal');
    })();
    expect(e).toBeInstanceOf(JunhengError);
    expect((e as JunhengError).userMessage).toContain('《规划.txt》');
  });

  it('keeps old versions where the ingest scanner does not look, and leaves no temporary file', () => {
    saveToCorpus(corpus, '规划.txt', PLAN, at('2025-03-01T10:00:00'));
    saveToCorpus(corpus, '规划.txt', STUB, at('2025-03-02T10:00:00'));
    saveToCorpus(corpus, '标准.md', STUB, at('2025-03-02T10:00:00'));
    expect(fs.readdirSync(path.join(corpus, HISTORY_DIR))).toEqual(['规划.20250302-100000.txt']);
    const files = scanCorpus([corpus]);
    expect(files.map((f) => f.source)).toEqual(['标准.md', '规划.txt']);
    expect(files.find((f) => f.source === '规划.txt')!.size).toBe(STUB.length);
    expect(fs.readdirSync(corpus).filter((f) => f.endsWith('.part'))).toEqual([]);
  });
});

describe('downloadWithLimit against a loopback server', () => {
  const KB = 1024;
  let server: http.Server;
  let base: string;
  /** Bytes each endless response managed to send, and whether the client closed it. */
  const endless = { sent: 0, closed: false };

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      const url = new URL(req.url!, 'http://x');
      const n = Number(url.searchParams.get('n') ?? 0);
      const body = Buffer.alloc(n, 0x61);
      if (url.pathname === '/sized') {
        res.writeHead(200, { 'content-length': String(n) });
        res.end(body);
      } else if (url.pathname === '/chunked') {
        res.writeHead(200); // no Content-Length: chunked, as when Telegram omits file_size
        for (let i = 0; i < n; i += 16 * KB) res.write(body.subarray(i, i + 16 * KB));
        res.end();
      } else if (url.pathname === '/endless' || url.pathname === '/announced') {
        // Never ends by itself: only a client that stops reading ends it.
        res.writeHead(200, url.pathname === '/announced' ? { 'content-length': String(1024 * 1024 * 1024) } : {});
        endless.sent = 0;
        endless.closed = false;
        const chunk = Buffer.alloc(64 * KB, 0x62);
        const timer = setInterval(() => {
          res.write(chunk);
          endless.sent += chunk.length;
        }, 2);
        res.on('close', () => {
          clearInterval(timer);
          endless.closed = true;
        });
      } else {
        res.writeHead(404);
        res.end('not found');
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  async function rejection(p: Promise<unknown>): Promise<unknown> {
    try {
      await p;
    } catch (e) {
      return e;
    }
    throw new Error('expected the download to fail');
  }

  it('reads a body under the limit, with and without Content-Length', async () => {
    for (const route of ['sized', 'chunked']) {
      const bytes = await downloadWithLimit(await fetch(`${base}/${route}?n=${300 * KB}`), 512 * KB);
      expect(bytes.length).toBe(300 * KB);
      expect(bytes.every((b) => b === 0x61)).toBe(true);
    }
    expect((await downloadWithLimit(await fetch(`${base}/sized?n=${512 * KB}`), 512 * KB)).length).toBe(512 * KB);
    expect((await downloadWithLimit(await fetch(`${base}/chunked?n=0`), 512 * KB)).length).toBe(0);
  });

  it('refuses a body over the limit, with and without Content-Length', async () => {
    const declared = await rejection(downloadWithLimit(await fetch(`${base}/sized?n=${600 * KB}`), 512 * KB));
    expect(declared).toBeInstanceOf(FileTooLargeError);
    expect((declared as FileTooLargeError).receivedBytes).toBe(0);
    const streamed = await rejection(downloadWithLimit(await fetch(`${base}/chunked?n=${600 * KB}`), 512 * KB));
    expect(streamed).toBeInstanceOf(FileTooLargeError);
    expect((streamed as FileTooLargeError).receivedBytes).toBeGreaterThan(512 * KB);
    expect((streamed as FileTooLargeError).userMessage).toBe('文件太大（超过 0.5 MB），请拆分或压缩后再发。');
  });

  it('stops as soon as the limit is passed and closes the connection, without waiting for the end', async () => {
    const e = await rejection(downloadWithLimit(await fetch(`${base}/endless`), 1024 * KB));
    expect(e).toBeInstanceOf(FileTooLargeError);
    expect((e as FileTooLargeError).receivedBytes).toBeGreaterThan(1024 * KB);
    expect((e as FileTooLargeError).receivedBytes).toBeLessThan(2 * 1024 * KB); // one read past the limit, not the rest
    await expect.poll(() => endless.closed, { timeout: 5000 }).toBe(true);
    expect(endless.sent).toBeLessThan(64 * 1024 * KB);
  });

  it('refuses a too-large Content-Length before reading the body', async () => {
    const e = await rejection(downloadWithLimit(await fetch(`${base}/announced`), 20 * 1024 * KB));
    expect(e).toBeInstanceOf(FileTooLargeError);
    expect((e as FileTooLargeError).declaredBytes).toBe(1024 * 1024 * 1024);
    expect((e as FileTooLargeError).userMessage).toBe('文件太大（超过 20 MB），请拆分或压缩后再发。');
    await expect.poll(() => endless.closed, { timeout: 5000 }).toBe(true);
  });

  it('reports an HTTP error as a failed download', async () => {
    const e = await rejection(downloadWithLimit(await fetch(`${base}/missing`), 1024));
    expect(e).toBeInstanceOf(DownloadFailedError);
    expect((e as DownloadFailedError).userMessage).toBe('文件下载失败，请稍后再发一次。');
  });
});
