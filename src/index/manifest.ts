import { z } from 'zod';

/** Bump when the store schema, cleaning or splitting changes so that old indexes are rebuilt. */
export const SCHEMA_VERSION = 2;

const FileEntry = z.object({
  /** Path relative to its corpus folder (prefixed by the folder name when several are indexed). */
  source: z.string(),
  size: z.number().int().nonnegative(),
  mtimeMs: z.number(),
  contentHash: z.string(),
  status: z.enum(['indexed', 'rejected']),
  passageCount: z.number().int().nonnegative(),
  title: z.string().optional(),
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
});
export type Manifest = z.infer<typeof ManifestSchema>;
