import type { Block, LoadedDocument, Loader } from '../types.js';
import { decodeText } from './decode-text.js';
import { splitLines } from './lines.js';

export { decodeText, type DecodedText } from './decode-text.js';

/** Plain text: one `line` block per physical line, empty lines kept as paragraph breaks. */
export const textLoader: Loader = {
  format: 'txt',
  async load(bytes: Buffer): Promise<LoadedDocument> {
    const { text, encoding, replaced } = decodeText(bytes);
    const warnings: string[] = [];
    if (!encoding.startsWith('UTF-8')) warnings.push(`按 ${encoding} 编码读取`);
    if (replaced > 0) warnings.push(`有 ${replaced} 处不是有效的 UTF-8 编码，已替换为 U+FFFD（�）`);
    const blocks: Block[] = splitLines(text).map((line) => ({ kind: 'line', text: line }));
    return { format: 'txt', blocks, warnings };
  },
};
