import { describe, expect, it } from 'vitest';
import { markdownLoader, parseMarkdown } from '../../../src/ingest/loaders/markdown.js';
import { fixture } from './helpers.js';

describe('markdownLoader on 002-notes.md', () => {
  it('finds 5 level-1 and 7 level-2 headings and leaves no # marks in any block', async () => {
    const doc = await markdownLoader.load(fixture('002-notes.md'), '002-notes.md');
    const headings = doc.blocks.filter((b) => b.kind === 'heading');
    const h1 = headings.filter((b) => b.level === 1).map((b) => b.text);
    expect(h1).toHaveLength(5);
    expect(h1.map((t) => t.slice(0, 2))).toEqual(['一、', '二、', '三、', '四、', '五、']);
    expect(headings.filter((b) => b.level === 2)).toHaveLength(7);
    expect(headings.find((b) => b.level === 2)?.text.startsWith('(一)')).toBe(true);
    expect(doc.blocks.some((b) => b.text.includes('#'))).toBe(false);
  });

  it('keeps blank lines as empty line blocks and the boilerplate first line (for the cleaner)', async () => {
    const doc = await markdownLoader.load(fixture('002-notes.md'), '002-notes.md');
    expect(doc.blocks[0]).toMatchObject({ kind: 'line' });
    expect(doc.blocks[0]?.text.startsWith('本站小编')).toBe(true);
    expect(doc.blocks[1]).toEqual({ kind: 'line', text: '' });
  });

  it('does not take a section heading as title when there are several level-1 headings', async () => {
    const doc = await markdownLoader.load(fixture('002-notes.md'), '002-notes.md');
    expect(doc.title).toBeUndefined();
  });

  it('loads the fixture README as Markdown with its single level-1 heading as title', async () => {
    const doc = await markdownLoader.load(fixture('README.md'), 'README.md');
    expect(doc.title).toMatch(/^Ingest test fixtures/);
    expect(doc.blocks.filter((b) => b.kind === 'heading' && b.level === 2)).toHaveLength(2);
    // List bullets and inline code marks are gone, the words stay.
    const item = doc.blocks.find((b) => b.text.startsWith('003-gbk.txt'));
    expect(item?.kind).toBe('line');
    expect(doc.blocks.some((b) => /^[-*] |`/.test(b.text))).toBe(false);
  });
});

describe('parseMarkdown', () => {
  it('turns ATX headings into heading blocks without the marks, closing #s included', () => {
    expect(parseMarkdown('# 一、总则 #\n###### 小标题\n#不是标题')).toEqual([
      { kind: 'heading', level: 1, text: '一、总则' },
      { kind: 'heading', level: 6, text: '小标题' },
      { kind: 'line', text: '#不是标题' },
    ]);
  });

  it('understands setext headings', () => {
    expect(parseMarkdown('总则\n===\n\n细则\n---')).toEqual([
      { kind: 'heading', level: 1, text: '总则' },
      { kind: 'line', text: '' },
      { kind: 'heading', level: 2, text: '细则' },
    ]);
  });

  it('strips bullets and blockquotes but keeps Chinese numbering (document structure)', () => {
    const texts = parseMarkdown('- 甲\n* 乙\n  + 丙\n> 引文\n1. 第一\n1、第二\n（一）第三').map((b) => b.text);
    expect(texts).toEqual(['甲', '乙', '丙', '引文', '1. 第一', '1、第二', '（一）第三']);
  });

  it('removes emphasis, links and images but keeps their words', () => {
    const [block] = parseMarkdown('**加强**__教师__队伍，见[通知](http://x.cn/a)![图](a.png)。*重点*');
    expect(block).toEqual({ kind: 'line', text: '加强教师队伍，见通知。重点' });
  });

  it('keeps an escaped star and drops image-only lines', () => {
    expect(parseMarkdown('5 \\* 3\n![资源得分](/images/score_1.gif)\n下文')).toEqual([
      { kind: 'line', text: '5 * 3' },
      { kind: 'line', text: '下文' },
    ]);
  });

  it('keeps fenced code verbatim, without the fences', () => {
    expect(parseMarkdown('```\n# 不是标题\n**原样**\n```').map((b) => b.text)).toEqual(['# 不是标题', '**原样**']);
  });

  it('renders GFM table rows as 表头：值 pairs and skips the separator row', () => {
    const blocks = parseMarkdown('| 指标 | 小学 | 初中 |\n|:---|---:|---|\n| 生均用房 | 4.5 | 5.8 |\n| 骨干教师 | 1 | |\n\n后文');
    expect(blocks).toEqual([
      { kind: 'table-row', text: '指标：生均用房；小学：4.5；初中：5.8' },
      { kind: 'table-row', text: '指标：骨干教师；小学：1' },
      { kind: 'line', text: '' },
      { kind: 'line', text: '后文' },
    ]);
  });

  it('skips YAML front matter', () => {
    expect(parseMarkdown('---\ntitle: x\n---\n正文')).toEqual([{ kind: 'line', text: '正文' }]);
  });
});
