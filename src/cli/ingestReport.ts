import type { FileOutcome, IngestSummary } from '../ingest/pipeline.js';
import type { SkippedEntry } from '../ingest/scan.js';

/** Names listed per kind of skipped entry; the rest are counted ("等 N 个"). */
const MAX_LISTED = 10;

const SKIPPED_LABELS: ReadonlyArray<{ kinds: ReadonlyArray<SkippedEntry['kind']>; label: string }> = [
  { kinds: ['hidden', 'symlink'], label: '隐藏文件或链接' },
  { kinds: ['special'], label: '特殊文件（不是普通文件）' },
  { kinds: ['unreadable'], label: '无法打开的文件夹' },
];

/** "跳过 2 个隐藏文件或链接：.draft.md、link.pdf", one line per kind present. */
export function skippedLines(skipped: readonly SkippedEntry[]): string[] {
  const lines: string[] = [];
  for (const { kinds, label } of SKIPPED_LABELS) {
    const names = skipped.filter((s) => kinds.includes(s.kind)).map((s) => s.source);
    if (names.length === 0) continue;
    const listed = names.slice(0, MAX_LISTED).join('、');
    lines.push(`跳过 ${names.length} 个${label}：${listed}${names.length > MAX_LISTED ? ` 等 ${names.length} 个` : ''}`);
  }
  return lines;
}

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
  // Summaries from before the field existed (or built by hand) have no `skipped`.
  lines.push(...skippedLines(s.skipped ?? []));
  return lines.join('\n');
}
