import { describe, expect, it } from 'vitest';
import { cleanDocument } from '../../src/ingest/clean/index.js';
import { splitDocument } from '../../src/ingest/split.js';
import { headingCandidate, isDocumentTitleLine, isRunIn, isSubheadingLine, runInLabel } from '../../src/ingest/split/headings.js';
import { matchMarker } from '../../src/ingest/split/markers.js';
import { cutLongSpan, sentenceSpans } from '../../src/ingest/split/sentences.js';
import { normalizeForMatch, spanCoverage, spanHit } from '../../src/ingest/spanMatch.js';
import type { Block, CleanDocument, Passage } from '../../src/ingest/types.js';
import { devGoldSpans, seedDocument } from '../helpers/documents.js';
import { JUNK_MARKERS } from '../helpers/junk.js';
import { seedName, seedNames } from '../helpers/shared.js';

const doc = (blocks: Block[], format: CleanDocument['format'] = 'txt'): CleanDocument => ({ format, title: 't', blocks });
const para = (text: string, page?: number): Block => (page === undefined ? { kind: 'paragraph', text } : { kind: 'paragraph', text, page });
const heading = (level: number, text: string): Block => ({ kind: 'heading', level, text });
const cleanText = (d: CleanDocument): string => d.blocks.map((b) => b.text).join('\n');

/** A sentence of exactly `n` characters ending with 。 */
const sentence = (n: number, fill = '教'): string => `${fill.repeat(n - 1)}。`;

const SENTENCE_END = /[。！？；!?;…][”’」』）)】"']*$/;

function expectSlicesMatch(d: CleanDocument, passages: readonly Passage[]): void {
  const text = cleanText(d);
  passages.forEach((p, i) => {
    expect(p.ordinal).toBe(i);
    expect(text.slice(p.charStart, p.charEnd)).toBe(p.text);
  });
}

/** No text is lost: every block lies inside passages, except heading lines left to the path. */
function expectBodyCovered(d: CleanDocument, passages: readonly Passage[]): void {
  const covered = new Array<boolean>(cleanText(d).length).fill(false);
  for (const p of passages) covered.fill(true, p.charStart, p.charEnd);
  let offset = 0;
  for (const b of d.blocks) {
    const start = offset;
    offset += b.text.length + 1;
    const whole = covered.slice(start, start + b.text.length).every(Boolean);
    const headingLike = b.kind === 'heading' || headingCandidate(b.text) !== null || isSubheadingLine(b.text) || isDocumentTitleLine(b.text);
    expect(whole || headingLike, b.text.slice(0, 30)).toBe(true);
  }
}

describe('markers', () => {
  it.each([
    ['第一篇：规划', 0],
    ['第三章 总则', 1],
    ['第二节 目标', 2],
    ['第十二条 学校应当', 3],
    ['一、指导思想', 4],
    ['（一）、教学质量提高工程', 5],
    ['(二)总体目标', 5],
    ['1、严格执行课程方案', 6],
    ['10. 积极推进', 6],
    ['3．原则', 6],
    ['（1）继续开展活动', 7],
    ['(2)做好竞赛', 7],
    ['①加强领导', 8],
  ])('%s has rank %i', (text, rank) => {
    expect(matchMarker(text)?.rank).toBe(rank);
  });

  it.each(['一是坚持教育优先', '2013年9月', '1.5亿元投入', '第一次会议', '十分重要'])('%s is not a marker', (text) => {
    expect(matchMarker(text)).toBeNull();
  });
});

describe('sentences', () => {
  it('splits after 。！？； and keeps closing quotes with the sentence', () => {
    const text = '他说：“要办好。”然后离开！还有吗？有；没有';
    expect(sentenceSpans(text).map((s) => text.slice(s.start, s.end))).toEqual(['他说：“要办好。”', '然后离开！', '还有吗？', '有；', '没有']);
  });

  it('cuts an over-long sentence at clause breaks', () => {
    const text = `${'甲'.repeat(50)}，${'乙'.repeat(50)}，${'丙'.repeat(50)}。`;
    const pieces = cutLongSpan(text, { start: 0, end: text.length }, 80);
    expect(pieces.map((p) => text.slice(p.start, p.end))).toEqual([`${'甲'.repeat(50)}，`, `${'乙'.repeat(50)}，`, `${'丙'.repeat(50)}。`]);
  });

  it('hard-cuts only when there is no clause break', () => {
    const text = '甲'.repeat(25);
    expect(cutLongSpan(text, { start: 0, end: 25 }, 10).map((p) => p.end - p.start)).toEqual([10, 10, 5]);
  });
});

describe('headings', () => {
  it('takes short marker paragraphs as heading candidates', () => {
    expect(headingCandidate('（一）注重实效，抓好教学常规管理。')?.rank).toBe(5);
    expect(headingCandidate('三、实施步骤：')?.rank).toBe(4);
    expect(headingCandidate('1、严格执行课程方案。学校严格按照规定开设课程。')).toBeNull();
    expect(headingCandidate('北永康小学')).toBeNull();
  });

  it('tells run-in items from one-sentence items', () => {
    expect(isRunIn('1、严格执行课程方案。学校严格按照规定开设课程。')).toBe(true);
    expect(isRunIn('1、改善条件，提升硬件水平；发挥设施作用。')).toBe(false);
    expect(isRunIn(`2、${'很长的一句话'.repeat(12)}。`)).toBe(true);
  });

  it('labels a run-in item by its first short clause', () => {
    expect(runInLabel('(一)落实政府职责,保障教育优先发展。县里高度重视。')).toBe('(一)落实政府职责,保障教育优先发展');
    expect(runInLabel(`（三）加大教育投入力度，${'完善经费保障机制'.repeat(5)}。`)).toBe('（三）加大教育投入力度');
    // No cut-off "first 20 characters…" label any more: text without a short lead names no section.
    expect(runInLabel(`一、${'甲'.repeat(60)}`)).toBeNull();
    expect(runInLabel(`一、${'甲'.repeat(60)}`, false)).toBeNull();
  });

  it('recognises unmarked sub-heading lines', () => {
    expect(isSubheadingLine('教学质量提高工程')).toBe(true);
    expect(isSubheadingLine('2024年2月26日')).toBe(false);
    expect(isSubheadingLine('组长：张三')).toBe(false);
  });
});

describe('splitDocument', () => {
  it('returns nothing for an empty document', () => {
    expect(splitDocument(doc([]))).toEqual([]);
  });

  it('builds section paths from explicit headings and nests pattern headings under them', () => {
    const d = doc(
      [
        heading(1, '第一篇：某小学规划'),
        heading(2, '二、工作目标'),
        para('（一）、教学质量提高工程'),
        para('1、以课程改革为中心，全面推进素质教育。'),
        para('2、推进课堂教学研究创新活动，提升课堂效率。'),
        para('3、建立科学合理的质量监控评价体系，不断提高质量。'),
        para(`（二）、教师队伍建设工程。${sentence(120)}`),
      ],
      'docx',
    );
    const passages = splitDocument(d);
    expect(passages[0]?.sectionPath).toEqual(['第一篇：某小学规划', '二、工作目标', '（一）、教学质量提高工程']);
    // Short items are grouped; the leading heading lines are carried by the path, not the text.
    expect(passages[0]?.text.startsWith('1、以课程改革为中心')).toBe(true);
    expectSlicesMatch(d, passages);
    expectBodyCovered(d, passages);
  });

  it('nests 第X篇 > 一、 > （一） > 1、 from markers alone', () => {
    const d = doc([
      para('第一篇：发展规划'),
      para('一、工作重点'),
      para('（一）注重实效，抓好常规管理。'),
      para(`1、严格执行课程方案。${sentence(200)}`),
      para(`2、加大管理力度。${sentence(200)}`),
    ]);
    const paths = splitDocument(d).map((p) => p.sectionPath);
    expect(paths).toContainEqual(['第一篇：发展规划', '一、工作重点', '（一）注重实效，抓好常规管理', '1、严格执行课程方案']);
    expect(paths).toContainEqual(['第一篇：发展规划', '一、工作重点', '（一）注重实效，抓好常规管理', '2、加大管理力度']);
  });

  it('treats a plain marker paragraph as a sibling of a styled heading with the same marker', () => {
    const d = doc(
      [heading(1, '三、措施'), heading(2, '（二）关注课堂'), para(sentence(200)), para('（三）开展活动，搭建平台。'), para(`1、养成习惯。${sentence(200, '育')}`)],
      'docx',
    );
    expect(splitDocument(d).map((p) => p.sectionPath)).toEqual([
      ['三、措施', '（二）关注课堂'],
      ['三、措施', '（三）开展活动，搭建平台', '1、养成习惯'],
    ]);
  });

  it('puts an unmarked sub-heading line between adjacent marker levels', () => {
    const d = doc([para('三、工作重点'), para('教学质量提高工程'), para('（一）注重实效。'), para(sentence(200)), para('教师队伍建设工程'), para('（一）搭设平台。'), para(sentence(200, '育'))]);
    expect(splitDocument(d).map((p) => p.sectionPath)).toEqual([
      ['三、工作重点', '教学质量提高工程', '（一）注重实效'],
      ['三、工作重点', '教师队伍建设工程', '（一）搭设平台'],
    ]);
  });

  it("takes a document title line after a part heading as the part's title, not as a sub-heading of 一、", () => {
    const d = doc([para('第一篇：规划'), para('某小学均衡发展方案'), para('一、指导思想'), para(sentence(200))]);
    const passages = splitDocument(d);
    expect(passages.map((p) => p.sectionPath)).toEqual([['第一篇：规划', '某小学均衡发展方案', '一、指导思想']]);
    expect(passages[0]?.text).toBe(sentence(200));
  });

  it('groups short items until about 150 characters and ends on a sentence', () => {
    const items = Array.from({ length: 12 }, (_, i) => para(`${i + 1}、${sentence(40, '学')}`));
    const d = doc([para('一、目标'), ...items]);
    const passages = splitDocument(d);
    for (const p of passages) {
      expect(p.text.length).toBeGreaterThanOrEqual(150);
      expect(p.text.length).toBeLessThanOrEqual(600);
      expect(p.text).toMatch(SENTENCE_END);
    }
    expect(passages.map((p) => p.text).join('\n')).toBe(items.map((b) => b.text).join('\n'));
  });

  it('never merges across top-level sections', () => {
    const d = doc([para('第一篇：甲规划'), para(sentence(60)), para('第二篇：乙规划'), para(sentence(60, '育'))]);
    const passages = splitDocument(d);
    expect(passages).toHaveLength(2);
    expect(passages.map((p) => p.sectionPath[0])).toEqual(['第一篇：甲规划', '第二篇：乙规划']);
  });

  it('splits a long paragraph at sentence ends into passages of at most 600 characters', () => {
    const body = Array.from({ length: 30 }, (_, i) => sentence(45 + (i % 7) * 5, '均')).join('');
    const d = doc([para(body)]);
    const passages = splitDocument(d);
    expect(passages.length).toBeGreaterThan(2);
    for (const p of passages) {
      expect(p.text.length).toBeLessThanOrEqual(600);
      expect(p.text.length).toBeGreaterThanOrEqual(150);
      expect(p.text).toMatch(SENTENCE_END);
    }
    expect(passages.map((p) => p.text).join('')).toBe(body);
    expectSlicesMatch(d, passages);
  });

  it('cuts a sentence longer than 600 characters at a comma', () => {
    const long = `${Array.from({ length: 20 }, () => '衡'.repeat(40)).join('，')}。`;
    const passages = splitDocument(doc([para(long)]));
    expect(passages.length).toBeGreaterThan(1);
    for (const p of passages.slice(0, -1)) expect(p.text.endsWith('，')).toBe(true);
    expect(passages.map((p) => p.text).join('')).toBe(long);
  });

  it('keeps table rows whole and groups rows of one table', () => {
    const rows: Block[] = Array.from({ length: 30 }, (_, i) => ({ kind: 'table-row', text: `序号：${i + 1}；指标：生均教学及辅助用房面积（平方米）；小学：4.5；初中：5.8` }));
    const d = doc([heading(1, '资源配置指标'), para(sentence(160)), ...rows], 'docx');
    const passages = splitDocument(d);
    const rowTexts = new Set(rows.map((r) => r.text));
    for (const p of passages) {
      expect(p.text.length).toBeLessThanOrEqual(600);
      for (const line of p.text.split('\n')) if (line.startsWith('序号')) expect(rowTexts.has(line)).toBe(true);
    }
    expect(passages.filter((p) => p.text.startsWith('序号')).length).toBeGreaterThan(1);
  });

  it('carries page and pageEnd from the blocks', () => {
    const d = doc([para(sentence(200), 3), { kind: 'paragraph', text: sentence(200, '育'), page: 4, pageEnd: 5 } as Block], 'pdf');
    const passages = splitDocument(d);
    expect(passages[0]).toMatchObject({ page: 3, pageEnd: 5 });
  });

  it('opens sections at inline markers in run-on text', () => {
    const runOn = `${sentence(180)}一、指导思想以人民满意为宗旨。${sentence(200, '育')}二、组织领导。${sentence(200, '均')}`;
    const passages = splitDocument(doc([para(runOn)]));
    expect(passages.map((p) => p.sectionPath)).toEqual([[], ['一、指导思想以人民满意为宗旨'], ['二、组织领导']]);
    expect(passages[2]?.text.startsWith('二、组织领导。')).toBe(true);
  });

  it('keeps a heading that falls inside a passage in its text', () => {
    const d = doc([para('一、背景'), para('（一）现状'), para(sentence(60)), para('（二）问题'), para(sentence(200, '育'))]);
    const passages = splitDocument(d);
    expect(passages).toHaveLength(1);
    expect(passages[0]?.text.startsWith('教')).toBe(true);
    expect(passages[0]?.text).toContain('\n（二）问题\n');
    expect(passages[0]?.sectionPath).toEqual(['一、背景', '（一）现状']);
    expectSlicesMatch(d, passages);
  });
});

describe('spanHit', () => {
  it('compares NFKC-normalised text with all whitespace removed', () => {
    expect(normalizeForMatch('在校生18000 人，比例为1:15. 5')).toBe('在校生18000人,比例为1:15.5');
    expect(spanHit('小学专任教师1200人,在校生18000人,师生比例为1:15', '在校生18000 人，师生比例为')).toBe(true);
  });

  it('accepts a span cut by a passage boundary when 80% of it lies in the passage', () => {
    const span = '一二三四五六七八九十';
    expect(spanHit('前文一二三四五六七八', span)).toBe(true);
    expect(spanHit('三四五六七八九十后文', span)).toBe(true);
    expect(spanHit('前文一二三四五六七', span)).toBe(false);
    expect(spanCoverage('前文一二三四五六七', span)).toBeCloseTo(0.7);
  });

  it('accepts any contiguous run of 80% (the eval rule), but not a shorter run or scattered characters', () => {
    const span = '一二三四五六七八九十';
    expect(spanHit('二三四五六七八九', span)).toBe(true);
    expect(spanHit('二三四五六七八', span)).toBe(false);
    expect(spanHit('一三五七九二四六八十', span)).toBe(false);
    expect(spanHit('一二三四五 六七八九十', span)).toBe(true);
    expect(spanHit('任意文本', '')).toBe(false);
  });

  it('skips a page number the cleaner removed from the middle of a span, but never passage characters', () => {
    const span = '统一组织建设、统一教学管理、统一教育14、活动、统一资源管理、统一评价考核';
    expect(spanHit('要求做到统一组织建设、统一教学管理、统一教育活动、统一资源管理、统一评价考核,逐步实现', span)).toBe(true);
    expect(spanCoverage('统一组织建设、统一教学管理、统一教育活动、统一资源管理、统一评价考核', span)).toBeCloseTo(34 / 37);
    // The passage's own extra characters break the run: only the longer side counts.
    expect(spanCoverage('统一组织建设、统一教学管理、统一教育和体育活动、统一资源管理、统一评价考核', span)).toBeCloseTo(18 / 37);
    // A piece after a skip must be 4 characters or more.
    expect(spanCoverage('一二三四五六七乙九十', '一二三四五六七八九十')).toBeCloseTo(0.7);
  });
});

describe('splitting the real seeds', () => {
  const results = seedNames().map((name) => {
    const clean = cleanDocument(seedDocument(name), name);
    return { name, clean, passages: splitDocument(clean) };
  });

  it('reports passages per seed and the length distribution', () => {
    const lengths = results.flatMap((r) => r.passages.map((p) => p.text.length));
    const inRange = lengths.filter((l) => l >= 100 && l <= 650).length;
    for (const r of results) {
      const ls = r.passages.map((p) => p.text.length);
      console.log(`${r.name}: ${r.passages.length} passages, length min ${Math.min(...ls)} / median ${ls.sort((a, b) => a - b)[Math.floor(ls.length / 2)]} / max ${Math.max(...ls)}`);
    }
    console.log(`all seeds: ${lengths.length} passages, ${inRange} (${((100 * inRange) / lengths.length).toFixed(1)}%) between 100 and 650 characters`);
    expect(inRange / lengths.length).toBeGreaterThanOrEqual(0.9);
  });

  it.each(seedNames())('%s: offsets, junk, endings', (name) => {
    const r = results.find((x) => x.name === name);
    if (!r) throw new Error(name);
    const text = cleanText(r.clean);
    expectSlicesMatch(r.clean, r.passages);
    expectBodyCovered(r.clean, r.passages);
    r.passages.forEach((p, i) => {
      for (const junk of JUNK_MARKERS) expect(p.text, junk).not.toContain(junk);
      const next = r.passages[i + 1];
      // A passage ends a sentence, or the next one starts a new section (a skipped heading
      // line, a marker, another top-level section) or the document ends.
      const endsSection =
        !next ||
        text.slice(p.charEnd, next.charStart).trim() !== '' ||
        matchMarker(next.text) !== null ||
        next.sectionPath[0] !== p.sectionPath[0];
      expect(SENTENCE_END.test(p.text) || endsSection, `${name} #${i}: …${p.text.slice(-20)}`).toBe(true);
    });
  });

  it('000: the scraped pages read on across their markers', () => {
    const passages = results.find((r) => r.name === seedName('000'))?.passages ?? [];
    expect(passages.some((p) => p.text.includes('差距,最大限度'))).toBe(true);
  });

  it('gives section paths where documents have structure; 004 paths start with 第X篇', () => {
    for (const prefix of ['001', '002', '003', '004']) {
      const passages = results.find((r) => r.name === seedName(prefix))?.passages ?? [];
      const withPath = passages.filter((p) => p.sectionPath.length > 0).length;
      expect(withPath / passages.length, prefix).toBeGreaterThan(0.8);
    }
    const plan = results.find((r) => r.name === seedName('004'))?.passages ?? [];
    for (const p of plan) expect(p.sectionPath[0]).toMatch(/^第[一二三四五]篇/);
    expect(plan.map((p) => p.sectionPath)).toContainEqual(['第一篇：北永康小学义务教育均衡发展规划', '二、工作目标', '（一）、教学质量提高工程']);
  });

  it('every dev gold span is in at least one passage of its document', () => {
    for (const { doc: name, span } of devGoldSpans()) {
      const passages = results.find((r) => r.name === name)?.passages ?? [];
      expect(passages.some((p) => spanHit(p.text, span)), `${name}: ${span}`).toBe(true);
    }
  });
});

describe('documents with very many sections', () => {
  // Math.min(...ranks) with one argument per heading overflowed the stack (RangeError) below 150 000.
  const COUNT = 160_000;

  it('splits 160 000 explicit headings (DOCX / Markdown style) without overflowing the stack', () => {
    const blocks: Block[] = [];
    for (let i = 1; i <= COUNT; i++) blocks.push(heading(2, `工作要求${i}`), para(`第${i}项内容要按照标准执行。`));
    const passages = splitDocument(doc(blocks, 'docx'));
    expect(passages.length).toBeGreaterThan(1000);
    expect(passages.some((p) => p.sectionPath[0] === '工作要求2')).toBe(true);
  });

  it('splits 160 000 marker paragraphs (plain-text style) without overflowing the stack', () => {
    const blocks: Block[] = [];
    for (let i = 1; i <= COUNT; i++) blocks.push(para(`三、第${i}项工作。要按照标准执行，确保落实到位。`)); // run-in items
    const passages = splitDocument(doc(blocks));
    expect(passages.length).toBeGreaterThan(1000);
  });
});
