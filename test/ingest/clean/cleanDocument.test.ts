import { describe, expect, it } from 'vitest';
import { cleanDocument } from '../../../src/ingest/clean/index.js';
import type { Block, LoadedDocument } from '../../../src/ingest/types.js';
import { pdfLikeDocument, txtDocument } from '../../helpers/documents.js';

function expectContract(blocks: readonly Block[]): void {
  for (const b of blocks) {
    expect(['heading', 'paragraph', 'table-row']).toContain(b.kind);
    expect(b.text).toBe(b.text.trim());
    expect(b.text).not.toBe('');
    expect(b.text).toBe(b.text.normalize('NFC'));
  }
}

describe('cleanDocument', () => {
  it('cleans a scraped text file end to end', () => {
    const doc = txtDocument(
      [
        '\uFEFF网站大量收购独家精品文档,联系QQ:12345678',
        '',
        '某小学均衡发展实施方案.docx',
        '',
        '某小学均衡发展实施方案',
        '',
        '一、背景',
        '',
        '义务教育是 国家优先发展的基础性工作, 自 2013 年以来成效明显。',
        '',
        '文档评论(0)',
        '用户名 + 关注',
      ].join('\r\n'),
    );
    const clean = cleanDocument(doc, 'seed.txt');
    expect(clean.title).toBe('某小学均衡发展实施方案');
    expect(clean.blocks.map((b) => b.text)).toEqual(['某小学均衡发展实施方案', '一、背景', '义务教育是国家优先发展的基础性工作,自2013年以来成效明显。']);
    expectContract(clean.blocks);
  });

  it('passes DOCX headings, paragraphs and table rows through', () => {
    const doc: LoadedDocument = {
      format: 'docx',
      title: '资源配置指标',
      warnings: [],
      blocks: [
        { kind: 'heading', level: 1, text: '资源配置指标' },
        { kind: 'paragraph', text: '每所学校至少 6 项指标达到要求。' },
        { kind: 'table-row', text: '指标：生均用房；小学：4.5；初中：5.8' },
      ],
    };
    const clean = cleanDocument(doc, 'standards.docx');
    expect(clean.title).toBe('资源配置指标');
    expect(clean.blocks).toEqual([
      { kind: 'heading', level: 1, text: '资源配置指标' },
      { kind: 'paragraph', text: '每所学校至少6项指标达到要求。' },
      { kind: 'table-row', text: '指标：生均用房；小学：4.5；初中：5.8' },
    ]);
  });

  it('keeps Markdown headings without "#" and joins soft-wrapped lines', () => {
    const doc: LoadedDocument = {
      format: 'md',
      warnings: [],
      blocks: [
        { kind: 'heading', level: 1, text: '# 一、历史进程' },
        { kind: 'line', text: '2013年县政府印发了规划,' },
        { kind: 'line', text: '启动了创建工作。' },
        { kind: 'line', text: '' },
        { kind: 'line', text: '第二段。' },
      ],
    };
    const clean = cleanDocument(doc, 'notes.md');
    expect(clean.blocks.map((b) => b.text)).toEqual(['一、历史进程', '2013年县政府印发了规划,启动了创建工作。', '第二段。']);
    expect(clean.blocks.some((b) => b.text.includes('#'))).toBe(false);
  });

  it('removes PDF furniture and rejoins wrapped lines across pages', () => {
    const paragraphs = [
      '一、基本情况',
      '全县共有义务教育学校一百二十所，其中小学八十六所，初中三十四所，在校学生五万余人，专任教师四千余人。',
      '二、主要做法',
      '县政府把义务教育均衡发展摆在优先位置，统筹城乡教育资源配置，持续改善农村学校办学条件，推动城乡教育一体化发展。',
    ];
    const doc = pdfLikeDocument(paragraphs, {
      width: 20,
      indent: 2,
      linesPerPage: 3,
      header: '规划汇编（内部学习资料）',
      footer: (n, total) => `第 ${n} 页 共 ${total} 页`,
    });
    const clean = cleanDocument(doc, 'plan.pdf');
    expect(clean.blocks.map((b) => b.text)).toEqual(paragraphs);
    expect(clean.pageCount).toBe(doc.pageCount);
    // Both body paragraphs cross a page break (header and footer in between).
    expect(clean.blocks[1]).toMatchObject({ page: 1, pageEnd: 2 } satisfies Partial<Block>);
    expect(clean.blocks[3]).toMatchObject({ page: 2, pageEnd: 3 } satisfies Partial<Block>);
    expectContract(clean.blocks);
  });

  it('returns no blocks for an empty document', () => {
    expect(cleanDocument({ format: 'txt', blocks: [], warnings: [] }, 'empty.txt')).toEqual({ format: 'txt', title: 'empty', blocks: [] });
  });
});
