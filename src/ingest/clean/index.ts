import type { Block, CleanDocument, LoadedDocument } from '../types.js';
import { removeBoilerplate } from './boilerplate.js';
import { joinLines, lineModeFor } from './joinLines.js';
import { normalizeBlock, normalizeChars } from './normalizeText.js';
import { removePageFurniture } from './pageFurniture.js';
import { detectPdfTables } from './pdfTables.js';
import { joinScrapedPages } from './scrapePageMarkers.js';
import { normalizeSpaces } from './spaces.js';
import { removeStrayPageNumbers } from './strayPageNumbers.js';
import { dropTitleMetadata, metadataTitle, ownTitle, pickTitle, scrapedTitle } from './title.js';

function withSpacesNormalized<T extends Block>(block: T): T {
  return { ...block, text: normalizeSpaces(block.text) };
}

/** Output contract: only heading/paragraph/table-row, NFC, trimmed, never empty. */
function finalize(block: Block): Block {
  const kind = block.kind === 'line' ? 'paragraph' : block.kind;
  return { ...block, kind, text: normalizeSpaces(block.text).normalize('NFC').trim() };
}

/**
 * Cleans a loaded document into headings, paragraphs and table rows. The
 * order matters: page furniture goes before anything looks at page edges,
 * junk before page markers (ads sit between pages), and lines are joined
 * last, once every line holds only document text.
 */
export function cleanDocument(doc: LoadedDocument, fileName: string): CleanDocument {
  let blocks: Block[] = doc.blocks.map(normalizeBlock);
  blocks = removePageFurniture(blocks);
  // A scrape site's caption may be the only place that names the document; it goes with the boilerplate.
  const scraped = scrapedTitle(blocks);
  blocks = removeBoilerplate(blocks);
  blocks = joinScrapedPages(blocks);
  blocks = removeStrayPageNumbers(blocks);
  blocks = detectPdfTables(blocks);
  blocks = blocks.map(withSpacesNormalized);

  const metadata = metadataTitle(blocks);
  blocks = dropTitleMetadata(blocks);

  const paragraphs = joinLines(blocks, lineModeFor(doc.format, blocks))
    .map(finalize)
    .filter((b) => b.text !== '');
  const tidy = (t: string) => normalizeSpaces(normalizeChars(t));
  const title = tidy(pickTitle(doc.title, metadata, paragraphs, fileName));
  const own = ownTitle(doc.title, metadata, paragraphs, scraped);

  const clean: CleanDocument = { format: doc.format, title, blocks: paragraphs };
  if (own !== null) clean.ownTitle = tidy(own);
  if (doc.pageCount !== undefined) clean.pageCount = doc.pageCount;
  return clean;
}
