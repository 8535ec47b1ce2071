import mammoth from 'mammoth';
import { FileRejectedError } from '../../errors.js';
import { checkZipContainer } from '../zip.js';
import type { LoadedDocument, Loader } from '../types.js';
import { htmlToBlocks } from './docx-html.js';
import { titleFromHeadings } from './title.js';

/**
 * DOCX via mammoth's HTML, which carries heading levels and tables and, usefully, leaves out
 * page headers and footers (running text that would otherwise pollute every passage).
 * The zip's declared sizes are checked before mammoth inflates anything (zip bombs).
 */
export const docxLoader: Loader = {
  format: 'docx',
  async load(bytes: Buffer, fileName: string): Promise<LoadedDocument> {
    const html = await convert(bytes, fileName);
    const { blocks, imageCount } = htmlToBlocks(html);
    if (blocks.length === 0) {
      if (imageCount > 0) {
        throw new FileRejectedError(
          'scanned',
          '文档里只有图片（可能是扫描件），没有文字层，需要先做文字识别（OCR）',
          `${fileName}: no text, ${imageCount} image(s)`,
        );
      }
      throw new FileRejectedError('no-text', '文件里没有可提取的文字', `${fileName}: DOCX has no text`);
    }
    const title = titleFromHeadings(blocks);
    const warnings = imageCount > 0 ? [`跳过了 ${imageCount} 张图片（图片里的文字不会被读取）`] : [];
    return { format: 'docx', title, blocks, warnings };
  },
};

/** Pictures are counted, never read: their text is not indexed, and inlining them as data URIs costs memory. */
const skipImage = mammoth.images.imgElement(async () => ({ src: '' }));

async function convert(bytes: Buffer, fileName: string): Promise<string> {
  await checkZipContainer(bytes, fileName, { subject: 'DOCX ' });
  try {
    const result = await mammoth.convertToHtml({ buffer: bytes }, { convertImage: skipImage });
    return result.value;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    // JSZip's wording for a truncated or non-zip file.
    const notZip = /zip|central directory|end of data|signature/i.test(message);
    throw new FileRejectedError(
      'corrupt',
      notZip
        ? 'DOCX 文件已损坏（不是完整的 zip 压缩包），无法读取'
        : 'DOCX 文件已损坏或不是有效的 Word 文档，无法读取',
      `${fileName}: mammoth failed: ${message}`,
      { cause: error },
    );
  }
}
