import { describe, expect, it } from 'vitest';
import { cleanDocument } from '../../../src/ingest/clean/index.js';
import { splitDocument } from '../../../src/ingest/split.js';
import { buildOutline } from '../../../src/ingest/split/outline.js';
import { PASSAGE_MAX } from '../../../src/ingest/split/pack.js';
import { isDocumentTitleLine, isHeadingPhrase, MAX_LABEL_LENGTH, readsAsSentence, runInLabel } from '../../../src/ingest/split/headings.js';
import { classify } from '../../../src/ingest/split/roles.js';
import type { Block, CleanDocument } from '../../../src/ingest/types.js';
import { seedDocument, seedText } from '../../helpers/documents.js';
import { seedName, seedNames } from '../../helpers/shared.js';

const para = (text: string): Block => ({ kind: 'paragraph', text });
const doc = (texts: string[]): CleanDocument => ({ format: 'txt', title: 't', blocks: texts.map(para) });

/** The line of a seed file that starts with `start` (the tests quote the seeds, they do not invent them). */
function seedLine(prefix: string, start: string): string {
  const line = seedText(seedName(prefix)).split('\n').map((l) => l.trim()).find((l) => l.startsWith(start));
  if (!line) throw new Error(`no line starting with ${start} in seed ${prefix}`);
  return line;
}

/** The seed's text from `start` to the end of that sentence (seed 000 runs items into one paragraph). */
function seedSentence(prefix: string, start: string): string {
  const text = seedText(seedName(prefix));
  const at = text.indexOf(start);
  if (at < 0) throw new Error(`no ${start} in seed ${prefix}`);
  const end = text.indexOf('。', at);
  return text.slice(at, end < 0 ? undefined : end + 1);
}

describe('what may be a section path level', () => {
  it('keeps short marker headings of one or two clauses', () => {
    expect(isHeadingPhrase(seedLine('004', '（一）注重实效'))).toBe(true);
    expect(isHeadingPhrase(seedLine('004', '（三）、学校标准化建设工程'))).toBe(true);
    expect(isHeadingPhrase(seedLine('003', '1.加强师资队伍建设'))).toBe(true);
    expect(isHeadingPhrase('（三）加强教师队伍建设')).toBe(true);
  });

  it('refuses a line over 30 characters or of three clauses', () => {
    const long = seedLine('004', '（三）以“春晖少年”活动为载体');
    expect(long.length).toBeGreaterThan(MAX_LABEL_LENGTH);
    expect(isHeadingPhrase(long)).toBe(false);
    // Three clauses: a sentence, not a heading.
    expect(isHeadingPhrase(seedLine('004', '2、加强班主任专业化培训'))).toBe(false);
  });

  it('refuses statements: a subject, an opening adverbial, 了, or "someone must"', () => {
    expect(readsAsSentence('（三）我县高度重视义务教育均衡发展工作')).toBe(true);
    expect(readsAsSentence('（1）通过主题班会和校园广播等活动')).toBe(true);
    expect(readsAsSentence('2、在办学条件达标的基础上,以特色项目带动全乡学校发展')).toBe(true);
    expect(readsAsSentence('（二）成立了县推进义务教育均衡发展工作领导小组')).toBe(true);
    expect(readsAsSentence('1．学校要开齐开足国家课程')).toBe(true);
    // Not statements: verb-object headings, 了解, 主要, 要求.
    expect(readsAsSentence('二、主要目标')).toBe(false);
    expect(readsAsSentence('2、要求老师建立班级博客')).toBe(false);
    expect(readsAsSentence('（四）了解学生需求')).toBe(false);
    expect(readsAsSentence('（一）全面落实政府职责')).toBe(false);
  });
});

describe('runInLabel on real seed paragraphs', () => {
  it('takes a first sentence that is a heading phrase whole', () => {
    // Seed 002's item (六): a two-clause heading phrase, then the sentences under it.
    const item = seedLine('002', '(六)深化教育惠民工程');
    expect(runInLabel(item)).toBe(item.split('。')[0]);
    expect(runInLabel(seedLine('004', '1、严格执行课程方案'))).toBe('1、严格执行课程方案');
  });

  it('keeps only a short lead phrase of a longer first sentence', () => {
    expect(runInLabel(seedLine('004', '（三）以“春晖少年”活动为载体'))).toBe('（三）以“春晖少年”活动为载体');
    expect(runInLabel(seedLine('004', '（三）加大教育投入力度'))).toBe('（三）加大教育投入力度');
    expect(runInLabel(seedLine('004', '1、成立组织机构'))).toBe('1、成立组织机构');
  });

  it('gives no label when the paragraph leads with a statement', () => {
    expect(runInLabel(seedLine('004', '（1）通过升旗仪式'))).toBeNull();
    expect(runInLabel('（三）我县高度重视义务教育均衡发展工作，建立了县级领导联系学校制度。')).toBeNull();
    expect(runInLabel('1．学校要开齐开足国家课程和地方课程，不得任意调课。')).toBeNull();
  });

  it('takes an inline marker sentence only when the whole sentence is a heading', () => {
    // Seed 000 is scraped run-on text: markers in mid-paragraph open sections only when what follows is a heading.
    expect(runInLabel(seedSentence('000', '(三)可喜的变化'), false)).toBeNull();
    expect(runInLabel(seedSentence('000', '三、工作目标(一)'), false)).toBeNull();
    expect(runInLabel('4、教学质量情况:以教学成绩看,初中所有学科均居全镇倒数第一,全县倒数后3名。', false)).toBe('4、教学质量情况');
  });
});

describe('a heading line that is really a sentence', () => {
  const lines = [
    seedLine('004', '（三）以“春晖少年”活动为载体'),
    seedLine('004', '1、重视学生行为习惯的养成'),
    seedLine('004', '2、继续积极实施'),
  ];

  it('opens its section as a paragraph led by its short heading', () => {
    expect(classify(para(lines[0]!), para(lines[1]!))).toEqual({ kind: 'run-in', rank: 5, label: '（三）以“春晖少年”活动为载体' });
  });

  it('keeps its whole text in the passage and only the lead in the section path', () => {
    const passages = splitDocument(doc(['三、工作重点及措施', ...lines]));
    expect(passages.map((p) => p.sectionPath)).toEqual([['三、工作重点及措施', '（三）以“春晖少年”活动为载体']]);
    expect(passages[0]?.text.startsWith(lines[0]!)).toBe(true);
  });

  it('opens a section without a path level when it has no short lead', () => {
    const statement = '（二）我县高度重视义务教育均衡发展工作，成立了以县长为组长的领导小组。';
    const blocks = ['一、主要做法', '（一）加强组织领导', lines[1]!, statement, lines[2]!].map(para);
    const { text, units } = buildOutline(blocks, PASSAGE_MAX);
    const unitOf = (start: string) => units.find((u) => text.slice(u.start, u.end).startsWith(start));
    expect(unitOf('1、重视学生行为习惯的养成')?.path).toEqual(['一、主要做法', '（一）加强组织领导', '1、重视学生行为习惯的养成']);
    // The statement closes （一） (it opens a sibling) but adds no level of its own.
    expect(unitOf('（二）我县')?.path).toEqual(['一、主要做法']);
    expect(unitOf('（二）我县')?.opens).toBe(5);
    expect(splitDocument({ format: 'txt', title: 't', blocks }).some((p) => p.text.includes(statement))).toBe(true);
  });
});

describe('section paths of the five seeds', () => {
  it.each(seedNames())('%s: every level is a heading phrase, never a run-on sentence', (name) => {
    const passages = splitDocument(cleanDocument(seedDocument(name), name));
    for (const p of passages) {
      for (const level of p.sectionPath) {
        expect(level.length, level).toBeLessThanOrEqual(MAX_LABEL_LENGTH);
        expect(level, level).not.toMatch(/[。…]$/);
        expect(isHeadingPhrase(level), level).toBe(true);
      }
    }
  });
});

describe('a document title under a part heading', () => {
  it('is a title line only when short, unpunctuated and ending in a document kind', () => {
    expect(isDocumentTitleLine('某某乡某某小学均衡发展实施方案')).toBe(true);
    expect(isDocumentTitleLine('实施方案')).toBe(false);
    expect(isDocumentTitleLine('我校制定了均衡发展实施方案。')).toBe(false);
    expect(isDocumentTitleLine('一、实施方案')).toBe(false);
    expect(isDocumentTitleLine('某某小学')).toBe(false);
  });

  it('becomes a level of the part, so every passage of the part names whose plan it is', () => {
    const body = `我校现有学生289人，6个教学班。${'教'.repeat(200)}。`;
    const passages = splitDocument(doc(['第二篇：义务教育均衡发展规划', '某某乡某某小学均衡发展实施方案', '一、基本情况', body, '二、目标规划', body]));
    expect(passages.map((p) => p.sectionPath)).toEqual([
      ['第二篇：义务教育均衡发展规划', '某某乡某某小学均衡发展实施方案', '一、基本情况'],
      ['第二篇：义务教育均衡发展规划', '某某乡某某小学均衡发展实施方案', '二、目标规划'],
    ]);
    expect(passages.some((p) => p.text.includes('实施方案'))).toBe(false);
  });

  it('stays body text when it does not follow a part heading', () => {
    const passages = splitDocument(doc(['一、基本情况', '某某乡某某小学均衡发展实施方案', '我校现有学生289人。']));
    expect(passages.some((p) => p.text.includes('某某乡某某小学均衡发展实施方案'))).toBe(true);
  });

  it('in seed 004, the plans compiled as 第二篇 … 第五篇 each carry their own title', () => {
    const name = seedName('004');
    const paths = splitDocument(cleanDocument(seedDocument(name), name)).map((p) => p.sectionPath);
    const parts = new Map<string, Set<string>>();
    for (const path of paths) {
      if (!/^第[二三四五]篇/u.test(path[0] ?? '') || path.length < 3) continue;
      parts.set(path[0]!, (parts.get(path[0]!) ?? new Set()).add(path[1]!));
    }
    expect(parts.size).toBe(4);
    for (const [part, titles] of parts) {
      expect([...titles], part).toHaveLength(1);
      expect(isDocumentTitleLine([...titles][0]!), part).toBe(true);
    }
  });
});
