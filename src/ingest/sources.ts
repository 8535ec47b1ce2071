import fs from 'node:fs';
import path from 'node:path';
import { parseDocument } from 'yaml';
import { z } from 'zod';
import { JunhengError } from '../errors.js';
import type { DocumentKind } from '../index/store.js';
import { corpusSourceName } from './scan.js';

/**
 * What a corpus folder says about its files: `<folder>/sources.yaml`, a list
 * of entries `file` (path inside the folder), `kind` (document | restatement),
 * optional `shortTitle` (instead of the derived one) and `reason` (one line:
 * why). Files not listed are official documents with a derived short title.
 */
export const SOURCES_FILE = 'sources.yaml';

const SourceEntrySchema = z
  .object({
    file: z.string().trim().min(1),
    kind: z.enum(['document', 'restatement']),
    shortTitle: z.string().trim().min(1).optional(),
    reason: z.string().trim().min(1),
  })
  .strict();
export type SourceEntry = z.infer<typeof SourceEntrySchema>;

const SourcesSchema = z.array(SourceEntrySchema).nullable();

/** What the index records of an entry: the part that changes stored documents. */
export interface SourceListing {
  kind: DocumentKind;
  shortTitle?: string;
}

function describeIssue(issue: z.core.$ZodIssue, data: unknown): string {
  const [index, key] = issue.path;
  const entry = typeof index === 'number' && Array.isArray(data) ? (data[index] as { file?: unknown } | undefined) : undefined;
  const which = typeof index === 'number' ? `第 ${index + 1} 项${typeof entry?.file === 'string' ? `（${entry.file}）` : ''}` : '整个文件';
  if (issue.code === 'unrecognized_keys') return `${which}有不认识的键：${issue.keys.join('、')}`;
  if (key === 'kind') return `${which}的 kind 只能是 document 或 restatement`;
  if (key !== undefined) return `${which}缺少或写错了 ${String(key)}`;
  return `${which}格式不对（应为一列条目，每项有 file、kind、reason）`;
}

/** Parses a sources.yaml text (pure); throws JunhengError with a Chinese reason. */
export function parseSources(text: string, where: string): SourceEntry[] {
  const doc = parseDocument(text, { uniqueKeys: true });
  const problem = doc.errors[0] ?? doc.warnings[0];
  if (problem) {
    const line = problem.linePos?.[0]?.line;
    throw new JunhengError(`${where} 格式不对${line !== undefined ? `（第 ${line} 行）` : ''}，请改正后再建立索引。`, `${where}: ${problem.message}`);
  }
  const data: unknown = doc.toJS();
  const parsed = SourcesSchema.safeParse(data);
  if (!parsed.success) {
    throw new JunhengError(`${where}：${describeIssue(parsed.error.issues[0]!, data)}，请改正后再建立索引。`, `${where}: ${parsed.error.message}`);
  }
  const entries = parsed.data ?? [];
  const seen = new Set<string>();
  for (const e of entries) {
    if (seen.has(e.file)) throw new JunhengError(`${where}：${e.file} 出现了不止一次，请只保留一项。`, `${where}: duplicate ${e.file}`);
    seen.add(e.file);
  }
  return entries;
}

/** The listing of an entry as the manifest keeps it (JSON), '' for a file not listed. */
export function listingKey(listing: SourceListing | undefined): string {
  if (!listing) return '';
  return JSON.stringify(listing.shortTitle === undefined ? { kind: listing.kind } : { kind: listing.kind, shortTitle: listing.shortTitle });
}

/**
 * The listings of every corpus folder's sources.yaml, by source name (the
 * name scan.ts gives the file: prefixed by the folder name when several
 * folders are indexed). A folder without the file lists nothing.
 */
export function readSourceListings(dirs: readonly string[]): Map<string, SourceListing> {
  const out = new Map<string, SourceListing>();
  for (const dir of dirs) {
    const file = path.join(dir, SOURCES_FILE);
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw new JunhengError(`无法读取 ${file}。`, `cannot read ${file}`, { cause: e });
    }
    for (const entry of parseSources(text, file)) {
      const listing: SourceListing = { kind: entry.kind };
      if (entry.shortTitle !== undefined) listing.shortTitle = entry.shortTitle;
      out.set(corpusSourceName(dir, entry.file.split(path.sep).join('/'), dirs.length), listing);
    }
  }
  return out;
}
