import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { RejectionCode } from '../../../src/errors.js';
import { loadFile } from '../../../src/ingest/loaders/index.js';
import type { DocumentFormat } from '../../../src/ingest/types.js';
import { FIXTURES_DIR, expectRejection, fixture } from './helpers.js';

type Expectation = { loads: DocumentFormat } | { rejects: RejectionCode };

/** What loadFile must do with every file in shared/fixtures (see its README). */
const EXPECTED: Record<string, Expectation> = {
  '000-crlf-bom.txt': { loads: 'txt' },
  '001-utf16.txt': { loads: 'txt' },
  '002-notes.md': { loads: 'md' },
  '002-report.pdf': { loads: 'pdf' },
  '003-gbk.txt': { loads: 'txt' },
  '004-plan.docx': { loads: 'docx' },
  '004-plan.pdf': { loads: 'pdf' },
  'README.md': { loads: 'md' },
  'binary.txt': { rejects: 'binary' },
  'corrupt.docx': { rejects: 'corrupt' },
  'corrupt.pdf': { rejects: 'corrupt' },
  'empty.pdf': { rejects: 'no-text' },
  'empty.txt': { rejects: 'empty' },
  'encrypted.pdf': { rejects: 'encrypted' },
  'legacy.doc': { rejects: 'legacy-doc' },
  'renamed.docx': { loads: 'pdf' },
  'scanned.pdf': { rejects: 'scanned' },
  'schools-bad.csv': { rejects: 'unsupported' },
  'schools-county.csv': { rejects: 'unsupported' },
  'schools-county.xlsx': { rejects: 'unsupported' },
  'schools-expected.json': { rejects: 'unsupported' },
  'standards-table.docx': { loads: 'docx' },
  'standards-table.pdf': { loads: 'pdf' },
};

describe('loadFile over every fixture', () => {
  it('has an expectation for every file in shared/fixtures (new fixtures must be covered)', () => {
    expect(fs.readdirSync(FIXTURES_DIR).sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  for (const [name, expected] of Object.entries(EXPECTED)) {
    if ('loads' in expected) {
      it(`loads ${name} as ${expected.loads} with some text`, async () => {
        const doc = await loadFile(fixture(name), name);
        expect(doc.format).toBe(expected.loads);
        expect(doc.blocks.some((b) => /[\u4e00-\u9fff]/.test(b.text))).toBe(true);
      });
    } else {
      it(`rejects ${name} with code ${expected.rejects} and a Chinese reason`, async () => {
        await expectRejection(() => loadFile(fixture(name), name), expected.rejects);
      });
    }
  }
});

describe('loadFile specifics', () => {
  it('loads renamed.docx (a PDF) via magic bytes, reading like standards-table.pdf, with a warning', async () => {
    const renamed = await loadFile(fixture('renamed.docx'), 'renamed.docx');
    const original = await loadFile(fixture('standards-table.pdf'), 'standards-table.pdf');
    expect(renamed.blocks).toEqual(original.blocks);
    expect(renamed.warnings.some((w) => w.includes('PDF'))).toBe(true);
    expect(original.warnings).toEqual([]);
  });

  it('explains how to fix a legacy .doc', async () => {
    const error = await expectRejection(() => loadFile(fixture('legacy.doc'), 'legacy.doc'), 'legacy-doc');
    expect(error.userMessage).toBe('不支持旧版 Word（.doc，Word 97-2003）格式，请用 Word 或 WPS 另存为 .docx 后再放入');
  });

  it('lists the supported formats when rejecting spreadsheets and JSON', async () => {
    for (const name of ['schools-county.csv', 'schools-county.xlsx', 'schools-expected.json']) {
      const error = await expectRejection(() => loadFile(fixture(name), name), 'unsupported');
      expect(error.userMessage).toContain('PDF、DOCX、TXT、Markdown');
    }
  });

  it('rejects a text file holding only whitespace as no-text', async () => {
    await expectRejection(() => loadFile(Buffer.from(' \r\n\t\n'), 'blank.txt'), 'no-text');
  });

  it('rejects a picture renamed .pdf as unsupported, pointing to OCR', async () => {
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0]);
    const error = await expectRejection(() => loadFile(png, 'scan.pdf'), 'unsupported');
    expect(error.userMessage).toContain('OCR');
  });
});
