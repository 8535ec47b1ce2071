import cliProgress from 'cli-progress';
import { runIngest, type IngestOptions, type IngestSummary } from '../ingest/pipeline.js';
import type { IdentifiedEmbeddings } from '../index/embedder.js';
import type { Logger } from '../logger.js';
import { outcomeLine } from './ingestReport.js';

/**
 * Runs an ingest with terminal feedback: a progress bar on a TTY, one line
 * per file otherwise (CI logs, pipes).
 */
export async function ingestWithProgress(
  opts: { dirs: string[]; indexDir: string; embedder: IdentifiedEmbeddings; maxFileBytes: number; limits?: IngestOptions['limits'] },
  log: Logger,
  out: NodeJS.WriteStream = process.stdout,
): Promise<IngestSummary> {
  const bar = out.isTTY
    ? new cliProgress.SingleBar(
        { format: '建立索引 [{bar}] {value}/{total} 个文件  {file}', hideCursor: true, clearOnComplete: true, stream: out },
        cliProgress.Presets.shades_classic,
      )
    : undefined;
  try {
    return await runIngest({
      ...opts,
      onEvent: (e) => {
        if (e.type === 'start') {
          if (e.cleanedUp.length > 0) out.write(`已清理上次中断留下的临时文件：${e.cleanedUp.length} 项\n`);
          if (bar) bar.start(e.files, 0, { file: '' });
          else out.write(`开始建立索引：${e.files} 个文件\n`);
          return;
        }
        if (e.type === 'load') {
          bar?.update({ file: e.source });
          return;
        }
        if (e.outcome.status === 'rejected' && e.outcome.technical) {
          // 'failed' means no rule recognised the problem, 'loader-crashed' that the loader died on it:
          // worth a look, unlike a known bad file.
          const level = e.outcome.code === 'failed' || e.outcome.code === 'loader-crashed' ? 'warn' : 'debug';
          log[level]({ source: e.outcome.source, cause: e.outcome.technical }, '文件未收录');
        }
        if (bar) bar.update(e.done, { file: e.outcome.source });
        else out.write(`[${e.done}/${e.total}] ${outcomeLine(e.outcome)}\n`);
      },
    });
  } finally {
    bar?.stop();
  }
}
