import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readDocumentContent } from '../../src/ingest/document.js';
import { MAX_SHORT_TITLE, shortTitle } from '../../src/ingest/shortTitle.js';
import { fixturePath, seedName, seedPath } from '../helpers/shared.js';
import { STANDARDS_MD } from './pipelineFixture.js';

const LIMITS = { maxTextChars: 20_000_000, maxPassages: 50_000 };

describe('shortTitle', () => {
  it('names the document a transmittal notice carries', () => {
    expect(shortTitle('教育部关于印发《县域义务教育优质均衡发展督导评估办法》的通知')).toBe('县域义务教育优质均衡发展督导评估办法');
    expect(shortTitle('教育部关于印发《县域义务教育均衡发展督导评估暂行办法》的通知')).toBe('县域义务教育均衡发展督导评估暂行办法');
    expect(shortTitle('教育部等九部门关于印发《县域普通高中发展提升行动计划》的通知')).toBe('县域普通高中发展提升行动计划');
  });

  it('drops a leading issuing body when a title is left', () => {
    // A masked province, as scraped texts write it.
    expect(shortTitle('***省人民政府关于加快推进城乡义务教育学校布局调整和标准化建设的实施意见')).toBe('关于加快推进城乡义务教育学校布局调整…');
    expect(shortTitle('国务院关于深入推进义务教育均衡发展的意见')).toBe('关于深入推进义务教育均衡发展的意见');
    expect(shortTitle('***区推进县域义务教育优质均衡发展工作方案')).toBe('推进县域义务教育优质均衡发展工作方案');
    // A school or county is what the plan is about, not boilerplate.
    expect(shortTitle('拜城县义务教育均衡发展规划')).toBe('拜城县义务教育均衡发展规划');
  });

  it('drops a trailing draft note, and a trailing bracket when the title is too long', () => {
    expect(shortTitle('关于进一步做好义务教育均衡发展工作的实施方案（征求意见稿）')).toBe('关于进一步做好义务教育均衡发展工作的实施方案');
    // A plan titled with its years, as county plans are.
    expect(shortTitle('县义务教育学校标准化建设三年行动计划(2021—2023年)')).toBe('县义务教育学校标准化建设三年行动计划');
    expect(shortTitle('县域义务教育均衡发展国家督导评估标准整理稿（基本均衡2012、优质均衡2017）')).toBe('县域义务教育均衡发展国家督导评估标准整理稿');
    expect(shortTitle('义务教育均衡发展规划（五篇）')).toBe('义务教育均衡发展规划（五篇）');
  });

  it('cuts a long title at a word boundary with "…"', () => {
    expect(shortTitle('县农村义务教育寄宿制学校生活设施改造提升项目实施规划(2020—2022年)')).toBe('县农村义务教育寄宿制学校生活设施改造提升…');
    // Not "…督导评估标" (inside a word), not inside an open bracket.
    expect(shortTitle('《县域义务教育优质均衡发展督导评估办法》(2017)资源配置指标')).toBe('县域义务教育优质均衡发展督导评估办法…');
    expect(shortTitle('***省义务教育优质均衡发展县(市区)督导评估实施办法的通知')).toBe('义务教育优质均衡发展县(市区)督导评估…');
  });

  it('keeps titles that are short already', () => {
    for (const t of ['推进县域义务教育优质均衡发展工作方案', '小学义务教育均衡发展整改工作实施方案', '2023年义务教育均衡发展工作实施方案五篇', '义务教育均衡发展工作总结报告']) {
      expect(shortTitle(t)).toBe(t);
    }
  });
});

describe('short titles of the real files', () => {
  const short = async (file: string) => {
    const c = await readDocumentContent(fs.readFileSync(file), path.basename(file), LIMITS);
    return shortTitle(c.ownTitle ?? c.title);
  };

  it('come from the text, never from a file name, for the seeds', async () => {
    expect(await short(seedPath(seedName('000')))).toBe('2023年义务教育均衡发展工作实施方案五篇');
    expect(await short(seedPath(seedName('001')))).toBe('推进县域义务教育优质均衡发展工作方案');
    // Named only by the scrape site's caption above the text.
    expect(await short(seedPath(seedName('002')))).toBe('义务教育均衡发展工作总结报告');
    expect(await short(seedPath(seedName('003')))).toBe('小学义务教育均衡发展整改工作实施方案');
    // Five plans, "第一篇：…" to "第五篇：…", and no title of its own.
    expect(await short(seedPath(seedName('004')))).toBe('义务教育均衡发展规划（五篇）');
  });

  it('come from the text for the DOCX, PDF and Markdown fixtures and the standards restatement', async () => {
    expect(await short(fixturePath('004-plan.docx'))).toBe('义务教育均衡发展规划（五篇）');
    expect(await short(fixturePath('004-plan.pdf'))).toBe('义务教育均衡发展规划（五篇）');
    expect(await short(fixturePath('002-notes.md'))).toBe('义务教育均衡发展工作总结报告');
    expect(await short(fixturePath('002-report.pdf'))).toBe('义务教育均衡发展工作总结报告');
    expect(await short(fixturePath('standards-table.docx'))).toBe('县域义务教育优质均衡发展督导评估办法…');
    expect(await short(STANDARDS_MD)).toBe('县域义务教育均衡发展国家督导评估标准整理稿');
  });

  it('are at most about 20 characters', async () => {
    for (const f of [seedPath(seedName('000')), fixturePath('standards-table.pdf'), STANDARDS_MD]) {
      expect(Array.from(await short(f)).length).toBeLessThanOrEqual(MAX_SHORT_TITLE + 1);
    }
  });
});
