import { describe, expect, it } from 'vitest';
import { removeBoilerplate } from '../../../src/ingest/clean/boilerplate.js';
import {
  cutPaywallNote,
  isJunkLine,
  removeImageLinks,
  startsCommentTail,
  startsMetaSection,
} from '../../../src/ingest/clean/boilerplatePatterns.js';
import type { Block } from '../../../src/ingest/types.js';

const lines = (...texts: string[]): Block[] => texts.map((text) => ({ kind: 'line', text }));
const texts = (blocks: Block[]): string[] => blocks.map((b) => b.text);

describe('boilerplate patterns', () => {
  it('removes Markdown images anywhere in a line', () => {
    expect(removeImageLinks('![得分](/images/s.gif)正文![x](a.png)继续')).toBe('正文继续');
  });

  it('cuts a closed paywall note, keeps the text on both sides and marks the cut with ……', () => {
    expect(cutPaywallNote('学生体质达标。满意度达到9 ……(某某网http://x.cn省略120字,正式会员可完整阅读)…… ')).toBe('学生体质达标。……');
    expect(cutPaywallNote('前文(省略30字)后文')).toBe('前文……后文');
  });

  it('drops the clause a site cut short: 社会认可度达到8 is no figure', () => {
    expect(cutPaywallNote('社会满意度不断提高,社会认可度达到8 ……(快文网省略994字,正式会员可完整阅读)…… ')).toBe('社会满意度不断提高,……');
  });

  it('cuts an unclosed paywall note to the end of the line', () => {
    expect(cutPaywallNote('推进现代学校制度建设。落实义 ……(未完,全文共3000字,当前只显示900字,请阅读下面提示。收藏本文')).toBe('推进现代学校制度建设。……');
  });

  it('leaves ordinary brackets alone', () => {
    for (const text of ['学校（含教学点）全部达标(2019年)。', '对（未完成整改的）学校加强督导。']) {
      expect(cutPaywallNote(text)).toBe(text);
    }
  });

  it.each([
    '《某方案.docx》由会员分享,可在线阅读,请在淘文阁上搜索。',
    '网站大量收购精品文档,联系QQ:123456789',
    '2. 2、原创力网站文档付费后不退款',
    '4. 4、如有侵权请拨打举报电话:400-123-4567',
    '1. 1、本文档共4页,可阅读全部内容。',
    '此“数学”领域文档为创作者个人分享资料,不作为权威指导',
    '本站小编为你精心准备了范文,欢迎阅读。',
    '上一篇:某某工作汇报',
    '下一篇:某某讲话',
    '相关栏目:教育 科技',
    '查看更多',
    '1亿VIP精品文档',
    'abc123 + 关注',
    '该用户很懒,什么也没介绍',
    '限制150内',
  ])('recognises site chrome: %s', (line) => {
    expect(isJunkLine(line)).toBe(true);
  });

  it.each([
    '教师要关注每一位学生的成长。',
    '上一年度全县投入教育经费3亿元。',
    '学校要开放图书馆，方便师生查看更多资料。',
    '联系电话：0991-1234567。',
    '县教育局组织会员学校开展交流。',
  ])('keeps real text: %s', (line) => {
    expect(isJunkLine(line)).toBe(false);
  });

  it('knows section starters', () => {
    expect(startsMetaSection('- 配套讲稿:')).toBe(true);
    expect(startsMetaSection('- 关 键 词:')).toBe(true);
    expect(startsMetaSection('关键词：义务教育')).toBe(false);
    expect(startsCommentTail('文档评论(0)')).toBe(true);
    expect(startsCommentTail('文档评论很重要。')).toBe(false);
  });
});

describe('removeBoilerplate', () => {
  it('drops the related-articles list but keeps document text glued to a bullet', () => {
    const out = removeBoilerplate(
      lines('正文第一句', '  更多相关文章:某某', '  • 某县教育工作汇报', '', '  • 某局创建工作情况', '', '  • 加强法治意识教育。', '    5.深化课程改革。'),
    );
    expect(texts(out).filter((t) => t !== '')).toEqual(['正文第一句', '加强法治意识教育。', '5.深化课程改革。']);
  });

  it('drops metadata sections with their content lines', () => {
    const out = removeBoilerplate(
      lines('正文。', '- 配套讲稿:', '如PPT文件含有讲稿请双击。', '- 特殊限制:', '图片仅作示例,禁止商用。', '- 关 键 词:', '- 义务教育 均衡', '![提示](https://x/y.gif)', '限制150内'),
    );
    expect(texts(out).filter((t) => t !== '')).toEqual(['正文。']);
  });

  it('drops everything from the comment area on', () => {
    const out = removeBoilerplate(lines('结语。', '文档评论(0)', 'user1 + 关注', '实名认证', '相关文档', '某篇文章标题'));
    expect(texts(out)).toEqual(['结语。']);
  });

  it('turns removed lines into blank lines so text across them is not joined', () => {
    const out = removeBoilerplate(lines('前文', '查看更多', '后文'));
    expect(texts(out)).toEqual(['前文', '', '后文']);
  });

  it('drops the wrapped tail of a junk sentence in a PDF', () => {
    const pdf: Block[] = [
      { kind: 'line', text: '本站小编为你精心准备了某某工作', page: 1 },
      { kind: 'line', text: '总结参考范文,愿能激发灵感。', page: 1 },
      { kind: 'line', text: '自2015年以来,全县推进均衡发展。', page: 1 },
    ];
    expect(texts(removeBoilerplate(pdf)).filter((t) => t !== '')).toEqual(['自2015年以来,全县推进均衡发展。']);
  });

  it('leaves table rows and plain text untouched', () => {
    const blocks: Block[] = [
      { kind: 'paragraph', text: '全县共有学校12所。' },
      { kind: 'table-row', text: '指标：生均用房；小学：4.5' },
    ];
    expect(removeBoilerplate(blocks)).toEqual(blocks);
  });
});
