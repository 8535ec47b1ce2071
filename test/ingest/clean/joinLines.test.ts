import { describe, expect, it } from 'vitest';
import { continuesParagraph, isHardWrapped, joinLines, lineModeFor } from '../../../src/ingest/clean/joinLines.js';
import type { Block } from '../../../src/ingest/types.js';

const pdf = (lines: Array<[string, number]>): Block[] => lines.map(([text, page]) => ({ kind: 'line', text, page }));
const txt = (...texts: string[]): Block[] => texts.map((text) => ({ kind: 'line', text }));
const texts = (blocks: Block[]): string[] => blocks.map((b) => b.text);

describe('continuesParagraph', () => {
  const full = 20;
  it('joins a full-width line that stops mid-sentence', () => {
    expect(continuesParagraph('自2013年启动义务教育基本均衡县创建工作以', '来,县始终把义务教育均衡发展作为全局工程。', 'wrapped', full)).toBe(true);
  });
  it('does not join after a sentence end, before a new item, or after a short line', () => {
    expect(continuesParagraph('全县义务教育学校全部达到标准要求。', '继续推进学校布局调整优化。', 'wrapped', full)).toBe(false);
    expect(continuesParagraph('全县义务教育学校全部达到标准要求并且', '（二）加大教育投入力度', 'wrapped', full)).toBe(false);
    expect(continuesParagraph('一、历史进程', '2013年9月县政府印发了规划。', 'wrapped', full)).toBe(false);
  });
  it('treats a blank line as a paragraph end', () => {
    expect(continuesParagraph('全县义务教育学校全部达到标准要求并且', '', 'wrapped', full)).toBe(false);
  });
  it('in loose text joins only a long line broken inside a word', () => {
    const long = '各校要按照规定的审批程序使用专项资金，每学期公示一次使用情况，接受全体教职工的监督，落实经';
    expect(continuesParagraph(long, '费管理的各项要求。', 'loose', 0)).toBe(true);
    expect(continuesParagraph('推进县域义务教育优质均衡发展', '工作方案', 'loose', 0)).toBe(false);
    expect(continuesParagraph(`${long}（主任）`, '张三（副主任）', 'loose', 0)).toBe(false);
  });
  it('in Markdown joins any consecutive lines except list items', () => {
    expect(continuesParagraph('第一行', '第二行', 'markdown', 0)).toBe(true);
    expect(continuesParagraph('第一行', '- 列表项', 'markdown', 0)).toBe(false);
  });
});

describe('joinLines', () => {
  it('rebuilds paragraphs of a narrow PDF column, across a page break', () => {
    const out = joinLines(
      pdf([
        ['一、历史进程', 1],
        ['2013年9月县政府印发了均衡发展规划', 1],
        ['并成立了领导小组,制定下发了实施方', 1],
        ['案。', 2],
        ['二是坚持城乡统筹,办学条件越来越好', 2],
      ]),
      'wrapped',
    );
    expect(texts(out)).toEqual(['一、历史进程', '2013年9月县政府印发了均衡发展规划并成立了领导小组,制定下发了实施方案。', '二是坚持城乡统筹,办学条件越来越好']);
    expect(out[1]).toMatchObject({ kind: 'paragraph', page: 1, pageEnd: 2 });
  });

  it('joins a number split across lines without a space', () => {
    const out = joinLines(pdf([['累计投入经费40亿元,办学条件不断改善2', 1], ['019年通过省级评估验收。', 1]]), 'wrapped');
    expect(texts(out)).toEqual(['累计投入经费40亿元,办学条件不断改善2019年通过省级评估验收。']);
  });

  it('keeps every non-blank line of loose text as its own paragraph and drops blank lines', () => {
    const out = joinLines(txt('标题', '', '一、背景', '', '正文。'), 'loose');
    expect(texts(out)).toEqual(['标题', '一、背景', '正文。']);
    expect(out.every((b) => b.kind === 'paragraph')).toBe(true);
  });

  it('passes other block kinds through and ends paragraphs at them', () => {
    const blocks: Block[] = [
      { kind: 'heading', level: 1, text: '一、概况' },
      { kind: 'line', text: '第一行' },
      { kind: 'table-row', text: '指标：甲；小学：1' },
      { kind: 'line', text: '第二行' },
    ];
    expect(joinLines(blocks, 'markdown').map((b) => b.kind)).toEqual(['heading', 'paragraph', 'table-row', 'paragraph']);
  });
});

describe('lineModeFor', () => {
  it('uses the wrapped mode for PDFs and for hard-wrapped text', () => {
    expect(lineModeFor('pdf', [])).toBe('wrapped');
    const wrapped = Array.from({ length: 12 }, (_, i) => `这是一段按照固定宽度折行的文本内容第${i}行`);
    expect(isHardWrapped(txt(...wrapped))).toBe(true);
    expect(lineModeFor('txt', txt(...wrapped))).toBe('wrapped');
  });
  it('uses the loose mode for scraped text with one paragraph per line', () => {
    const scraped = txt('标题', '一、背景', '很长的一段正文'.repeat(40), '二、要求', '另一段正文'.repeat(30), '短句。', '三、措施', '第三段'.repeat(50));
    expect(lineModeFor('txt', scraped)).toBe('loose');
  });
  it('uses the Markdown mode for Markdown', () => {
    expect(lineModeFor('md', txt('a', 'b'))).toBe('markdown');
  });
});
