import { z } from 'zod';

/** Bump when the store schema, cleaning or splitting changes so that old indexes are rebuilt. */
export const SCHEMA_VERSION = 4;

const FileEntry = z.object({
  /** Path relative to its corpus folder (prefixed by the folder name when several are indexed). */
  source: z.string(),
  size: z.number().int().nonnegative(),
  mtimeMs: z.number(),
  contentHash: z.string(),
  status: z.enum(['indexed', 'rejected']),
  passageCount: z.number().int().nonnegative(),
  title: z.string().optional(),
  /** The corpus sources.yaml entry the file was indexed under (src/ingest/sources.ts listingKey); absent when not listed. */
  listing: z.string().optional(),
  rejection: z.object({ code: z.string(), message: z.string() }).optional(),
  warnings: z.array(z.string()).default([]),
});
export type ManifestFile = z.infer<typeof FileEntry>;

export const ManifestSchema = z.object({
  schemaVersion: z.number().int(),
  generation: z.string(),
  createdAt: z.string(),
  embedder: z.object({ id: z.string(), dimensions: z.number().int().positive() }),
  corpusDirs: z.array(z.string()),
  files: z.array(FileEntry),
  passageCount: z.number().int().nonnegative(),
  /**
   * Unicode version of the runtime that built the generation (process.versions.unicode): the
   * bigram table's tokens depend on it (NFKC, letter/digit classes), and a re-ingest removes rows
   * by recomputing their tokens, so a generation is only updated by a runtime of the same version.
   */
  unicodeVersion: z.string().optional(),
});
export type Manifest = z.infer<typeof ManifestSchema>;
