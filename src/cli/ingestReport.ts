import type { FileOutcome, IngestSummary } from '../ingest/pipeline.js';

/** One line per file for logs and non-TTY output. */
export function outcomeLine(o: FileOutcome): string {
  switch (o.status) {
    case 'indexed':
      return `已收录  ${o.source}（${o.passages} 段）${o.warnings.length ? `  注意：${o.warnings.join('；')}` : ''}`;
    case 'unchanged':
      return `未变化  ${o.source}（${o.passages} 段，沿用旧索引）`;
    case 'rejected':
      return `未收录  ${o.source}：${o.message}`;
  }
}

/** The closing summary the user reads after an ingest. */
export function summaryText(s: IngestSummary): string {
  const lines = [
    `索引完成：新收录 ${s.indexed} 个文件，未变化 ${s.unchanged} 个，未收录 ${s.rejected} 个；索引共 ${s.passages} 段，用时 ${s.seconds.toFixed(1)} 秒。`,
  ];
  const rejected = s.outcomes.filter((o): o is Extract<FileOutcome, { status: 'rejected' }> => o.status === 'rejected');
  if (rejected.length > 0) {
    lines.push('未收录的文件：');
    for (const r of rejected) lines.push(`  - ${r.source}：${r.message}`);
  }
  return lines.join('\n');
}
