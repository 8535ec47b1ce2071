import path from 'node:path';
import type { SaveResult } from '../ingest/corpusFolder.js';

/** Tables a county sends for its assessment. */
export const TABLE_EXTENSIONS = ['.csv', '.xlsx'];

/** Said after every upload that changed the corpus. */
export const REINDEX_NOTE = '正在后台重新建立索引，期间照常回答问题（用原有资料），完成后会通知您。';

/** The admin's reply to an upload (Chinese), from what `saveToCorpus` did. */
export function uploadReplyText(result: SaveResult): string {
  if (result.identical) return `《${result.savedName}》与资料库里的版本完全相同，没有改动。`;
  const renamed = result.renamedFrom !== undefined ? '原文件名不能直接使用，已按此名保存' : undefined;
  if (result.replaced) {
    const kept = path.relative(path.dirname(result.savedPath), result.replaced.previousVersionPath).split(path.sep).join('/');
    return `已替换《${result.savedName}》（旧版本已保留：${kept}${renamed ? `；${renamed}` : ''}）。${REINDEX_NOTE}`;
  }
  return `已收到《${result.savedName}》${renamed ? `（${renamed}）` : ''}，已放入资料库。${REINDEX_NOTE}`;
}
