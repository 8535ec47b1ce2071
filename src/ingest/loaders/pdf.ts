import { PDFParse } from 'pdf-parse';
import { FileRejectedError } from '../../errors.js';
import type { Block, LoadedDocument, Loader } from '../types.js';

/** Images smaller than this (px, either side) are rules, logos or bullets, not scanned pages. */
const MIN_SCAN_IMAGE_PX = 80;

const SCANNED_MESSAGE = '扫描件没有文字层，需要先做文字识别（OCR）';

/**
 * PDF text layer via pdf-parse (pdf.js): one `line` block per text line, tagged with its page.
 * Running headers/footers are left in; the cleaner removes them by comparing pages.
 */
export const pdfLoader: Loader = {
  format: 'pdf',
  async load(bytes: Buffer, fileName: string): Promise<LoadedDocument> {
    // pdf.js may transfer (detach) the array it is given, so hand it a copy.
    const parser = new PDFParse({ data: new Uint8Array(bytes) });
    try {
      const result = await readText(parser, fileName);
      const blocks: Block[] = [];
      const textless: number[] = [];
      for (const page of result.pages) {
        const lines = page.text.split('\n').map((l) => l.trimEnd()).filter((l) => l.trim() !== '');
        if (lines.length === 0) textless.push(page.num);
        for (const text of lines) blocks.push({ kind: 'line', text, page: page.num });
      }
      const pageCount = result.total;
      const warnings: string[] = [];

      if (textless.length > 0) {
        const imagePages = await pagesWithImages(parser, bytes, textless, warnings);
        if (blocks.length === 0) {
          if (imagePages.length > 0) {
            throw new FileRejectedError('scanned', SCANNED_MESSAGE, `${fileName}: ${pageCount} page(s), no text layer, images on pages ${imagePages.join(',')}`);
          }
          throw new FileRejectedError('no-text', '文件里没有可提取的文字', `${fileName}: ${pageCount} page(s), no text, no images`);
        }
        if (imagePages.length > 0) {
          warnings.push(`第 ${imagePages.join('、')} 页没有文字层（是扫描图片），这些页的内容没有收录`);
        }
      }

      const title = await metadataTitle(parser);
      return { format: 'pdf', title, blocks, pageCount, warnings };
    } finally {
      await parser.destroy();
    }
  },
};

async function readText(parser: PDFParse, fileName: string) {
  try {
    return await parser.getText({ pageJoiner: '' });
  } catch (error) {
    throw classifyPdfError(error, fileName);
  }
}

/** Maps pdf.js failures to rejections; anything unrecognised is a bug and propagates as is. */
function classifyPdfError(error: unknown, fileName: string): unknown {
  if (!(error instanceof Error)) return error;
  const technical = `${fileName}: ${error.name}: ${error.message}`;
  switch (error.name) {
    case 'PasswordException':
      return new FileRejectedError('encrypted', '文件已加密（需要密码），请提供未加密的版本', technical, { cause: error });
    case 'InvalidPDFException':
    case 'FormatError':
    case 'UnknownErrorException':
      return new FileRejectedError('corrupt', 'PDF 文件已损坏或不完整，无法读取', technical, { cause: error });
    default:
      return error;
  }
}

/**
 * Which of the given pages draw an image of page-like size. Uses pdf.js's operator lists via
 * getImage; if that fails (e.g. no native canvas) falls back to the raw bytes: image XObjects are
 * streams, which may never sit inside compressed object streams, so `/Subtype /Image` is visible.
 */
async function pagesWithImages(parser: PDFParse, bytes: Buffer, pages: number[], warnings: string[]): Promise<number[]> {
  try {
    const images = await parser.getImage({
      partial: pages,
      imageBuffer: false,
      imageDataUrl: false,
      imageThreshold: MIN_SCAN_IMAGE_PX,
    });
    return images.pages.filter((p) => p.images.length > 0).map((p) => p.pageNumber);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    warnings.push(`用 pdf.js 检查图片失败（${reason}），改为直接查找文件里的图片标记`);
    return rawBytesShowImage(bytes) ? pages : [];
  }
}

/** True when the file declares an image XObject (visible in clear text unless the PDF is encrypted). */
export function rawBytesShowImage(bytes: Buffer): boolean {
  return /\/Subtype\s*\/Image\b/.test(bytes.toString('latin1'));
}

async function metadataTitle(parser: PDFParse): Promise<string | undefined> {
  const info = await parser.getInfo();
  const raw: unknown = (info.info as Record<string, unknown> | undefined)?.['Title'];
  return typeof raw === 'string' ? cleanTitle(raw) : undefined;
}

/** Producer-made titles ("Untitled", "Microsoft Word - 文件.doc") say nothing about the content. */
export function cleanTitle(raw: string): string | undefined {
  const title = raw
    .replace(/^\s*Microsoft (?:Word|PowerPoint|Excel) - /i, '')
    .replace(/\.(?:docx?|wps|pptx?|xlsx?|pdf|txt)\s*$/i, '')
    .trim();
  if (title === '' || /^(?:untitled|无标题|未命名|document|文档|新建文档|新建 Microsoft Word 文档)\s*\d*$/i.test(title)) {
    return undefined;
  }
  return title;
}
