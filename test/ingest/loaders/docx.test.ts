import { describe, expect, it } from 'vitest';
import { docxLoader } from '../../../src/ingest/loaders/docx.js';
import { htmlToBlocks } from '../../../src/ingest/loaders/docx-html.js';
import { expectRejection, fixture } from './helpers.js';

describe('docxLoader on 004-plan.docx', () => {
  it('yields the 223 paragraphs with their heading levels (5 h1, 18 h2, 20 h3, 180 paragraphs)', async () => {
    const doc = await docxLoader.load(fixture('004-plan.docx'), '004-plan.docx');
    const count = (kind: string, level?: number) =>
      doc.blocks.filter((b) => b.kind === kind && (level === undefined || b.level === level)).length;
    expect(doc.blocks).toHaveLength(223);
    expect(count('heading', 1)).toBe(5);
    expect(count('heading', 2)).toBe(18);
    expect(count('heading', 3)).toBe(20);
    expect(count('paragraph')).toBe(180);
    expect(count('table-row')).toBe(0);
    expect(doc.blocks[0]).toMatchObject({ kind: 'heading', level: 1 });
    expect(doc.blocks[0]?.text.startsWith('第一篇')).toBe(true);
  });

  it('leaves out the page header and the page-number footer', async () => {
    const doc = await docxLoader.load(fixture('004-plan.docx'), '004-plan.docx');
    expect(doc.blocks.some((b) => b.text.includes('内部学习资料'))).toBe(false);
    expect(doc.blocks.some((b) => /第\s*\d+\s*页/.test(b.text))).toBe(false);
  });

  it('gives no title when the document has several level-1 headings (a compilation)', async () => {
    const doc = await docxLoader.load(fixture('004-plan.docx'), '004-plan.docx');
    expect(doc.title).toBeUndefined();
  });
});

describe('docxLoader on standards-table.docx', () => {
  it('renders each of the 7 body rows as one labelled table-row, numbers attached to their indicator', async () => {
    const doc = await docxLoader.load(fixture('standards-table.docx'), 'standards-table.docx');
    const rows = doc.blocks.filter((b) => b.kind === 'table-row').map((b) => b.text);
    expect(rows).toHaveLength(7);
    expect(rows[4]).toBe(['序号：5', '指标：生均体育运动场馆面积（平方米）', '小学：7.5', '初中：10.2'].join('；'));
    expect(rows[1]).toMatch(/骨干教师.*小学：1；初中：1$/);
    expect(rows.every((r) => r.startsWith('序号：'))).toBe(true);
  });

  it('has one heading, used as title, and keeps the paragraphs around the table in order', async () => {
    const doc = await docxLoader.load(fixture('standards-table.docx'), 'standards-table.docx');
    expect(doc.blocks.filter((b) => b.kind === 'heading')).toHaveLength(1);
    expect(doc.title).toMatch(/^《县域义务教育优质均衡发展督导评估办法》/);
    expect(doc.blocks.map((b) => b.kind)).toEqual(['heading', 'paragraph', ...Array(7).fill('table-row'), 'paragraph']);
  });
});

describe('docxLoader rejections', () => {
  it('rejects a truncated DOCX (corrupt.docx) as corrupt, not as a raw zip error', async () => {
    const error = await expectRejection(() => docxLoader.load(fixture('corrupt.docx'), 'corrupt.docx'), 'corrupt');
    expect(error.userMessage).toBe('DOCX 文件已损坏（不是完整的 zip 压缩包），无法读取');
    expect(error.cause).toBeInstanceOf(Error);
  });
});

describe('htmlToBlocks', () => {
  it('decodes HTML entities', () => {
    const { blocks } = htmlToBlocks('<p>A &amp; B &lt;C&gt; &quot;D&quot; &#39;E&#39; &#20013;&#x6587;</p>');
    expect(blocks).toEqual([{ kind: 'paragraph', text: `A & B <C> "D" 'E' 中文` }]);
  });

  it('joins cells with ；when the table has no header row', () => {
    const { blocks } = htmlToBlocks('<table><tr><td><p>学校</p></td><td><p>青禾小学</p></td></tr><tr><td>地址</td><td>城关镇</td></tr></table>');
    expect(blocks).toEqual([
      { kind: 'table-row', text: '学校；青禾小学' },
      { kind: 'table-row', text: '地址；城关镇' },
    ]);
  });

  it('repeats a vertically merged cell in every row it spans and labels spanned header columns', () => {
    const html =
      '<table><thead><tr><th>学段</th><th>指标</th><th colspan="2">标准</th></tr></thead><tbody>' +
      '<tr><td rowspan="2">小学</td><td>用房</td><td>4.5</td><td>平方米</td></tr>' +
      '<tr><td>场馆</td><td>7.5</td><td>平方米</td></tr></tbody></table>';
    expect(htmlToBlocks(html).blocks.map((b) => b.text)).toEqual([
      '学段：小学；指标：用房；标准：4.5；标准：平方米',
      '学段：小学；指标：场馆；标准：7.5；标准：平方米',
    ]);
  });

  it('emits a list item before its nested list, and splits paragraphs at manual line breaks', () => {
    const { blocks } = htmlToBlocks('<ul><li>一级<ul><li>二级</li></ul></li></ul><p>上行<br />下行</p>');
    expect(blocks.map((b) => b.text)).toEqual(['一级', '二级', '上行', '下行']);
  });

  it('counts images and drops footnote back-links', () => {
    const html = '<p>正文<sup><a href="#footnote-1" id="footnote-ref-1">[1]</a></sup><img src="data:image/png;base64,AA" /></p>' +
      '<ol><li id="footnote-1"><p>注释 <a href="#footnote-ref-1">↑</a></p></li></ol>';
    const { blocks, imageCount } = htmlToBlocks(html);
    expect(imageCount).toBe(1);
    expect(blocks.map((b) => b.text)).toEqual(['正文[1]', '注释']);
  });
});
