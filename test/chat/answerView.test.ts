import { describe, expect, it } from 'vitest';
import type { Answer, Citation, Suggestion } from '../../src/answer/types.js';
import { answerReply, topicsOf } from '../../src/chat/answerView.js';
import { ANSWER, EXAMPLE_QUESTIONS, EXAMPLE_TOPICS, MAX_BUTTON_CHARS } from '../../src/chat/texts.js';
import { plainText } from '../../src/present/blocks.js';
import { MAX_MESSAGE, replyHtml, replyMessages } from '../../src/telegram/format.js';

const STANDARDS = '县域义务教育均衡发展国家督导评估标准整理稿（基本均衡2012、优质均衡2017）';

function citation(over: Partial<Citation> = {}): Citation {
  return {
    passageId: 7,
    source: 'plan.pdf',
    title: '拜城县义务教育均衡发展规划',
    sectionPath: ['第三章', '二、师资配置'],
    page: 12,
    pageEnd: 12,
    text: '初中师生比为1:11.58。',
    kind: 'document',
    ...over,
  };
}

function suggestion(over: Partial<Suggestion> = {}): Suggestion {
  return { passageId: 21, title: '拜城县义务教育均衡发展规划', sectionPath: ['第三章', '5.生均体育运动场馆面积'], page: 3, ...over };
}

function answer(over: Partial<Answer>): Answer {
  return { question: '问题', status: 'answered', quotes: [], citations: [], reason: { code: 'answered' }, suggestions: [], ...over };
}

const labels = (a: Answer) => (answerReply(a).buttons ?? []).map((row) => row.map((b) => b.label));

describe('the answer view: answered', () => {
  const docs = answer({
    quotes: [
      { text: '初中师生比为1:11.58。', citation: 0 },
      { text: '小学师生比为1:19。', citation: 1 },
    ],
    citations: [citation(), citation({ passageId: 8, title: '总结', sectionPath: [], page: null, pageEnd: null, text: '小学师生比为1:19。' })],
  });

  it('quotes the documents under 根据文件原文 and lists 出处 with section and page (page only when known)', () => {
    const reply = answerReply(docs);
    expect(reply.text).toBe(
      [
        '根据文件原文：',
        '“初中师生比为1:11.58。”[1]',
        '“小学师生比为1:19。”[2]',
        '',
        '出处：',
        '[1] 《拜城县义务教育均衡发展规划》 · 第三章 › 二、师资配置 · 第12页',
        '[2] 《总结》',
      ].join('\n'),
    );
    expect(reply.text).toBe(plainText(reply.blocks!));
    expect(reply.blocks!.map((b) => b.lines.map((l) => l.role))).toEqual([
      ['lead', 'quote', 'quote'],
      ['heading', 'citation', 'citation'],
    ]);
  });

  it('in Telegram HTML: the lead and 出处 in bold, the rest as it is', () => {
    expect(replyHtml(answerReply(docs))).toBe(
      [
        '<b>根据文件原文：</b>',
        '“初中师生比为1:11.58。”[1]',
        '“小学师生比为1:19。”[2]',
        '',
        '<b>出处：</b>',
        '[1] 《拜城县义务教育均衡发展规划》 · 第三章 › 二、师资配置 · 第12页',
        '[2] 《总结》',
      ].join('\n'),
    );
  });

  it('has one 查看原文 button per citation, pointing at its passage', () => {
    expect(answerReply(docs).buttons).toEqual([
      [
        { label: '查看原文 [1]', action: 'show:7' },
        { label: '查看原文 [2]', action: 'show:8' },
      ],
    ]);
  });

  it('numbers a quote by the citation it comes from, and cites a page range', () => {
    const reply = answerReply(
      answer({
        quotes: [
          { text: '甲。', citation: 0 },
          { text: '乙。', citation: 0 },
        ],
        citations: [citation({ page: 3, pageEnd: 4 })],
      }),
    );
    expect(reply.text).toContain('“甲。”[1]\n“乙。”[1]');
    expect(reply.text).toContain('· 第3–4页');
  });

  it('never claims 文件原文 for the project’s restatement', () => {
    const reply = answerReply(
      answer({
        quotes: [{ text: '生均体育运动场馆面积：小学不低于7.5平方米。', citation: 0 }],
        citations: [citation({ title: STANDARDS, sectionPath: [STANDARDS, '三、资源配置'], page: null, pageEnd: null, kind: 'restatement' })],
      }),
    );
    expect(reply.text).not.toContain('原文：');
    expect(reply.text.split('\n')[0]).toBe('根据本项目整理的国家标准（整理稿，请以原文为准）：');
    expect(reply.text).toContain(`出处：\n[1] 《${STANDARDS}》 · 三、资源配置`);
    expect(replyHtml(reply).split('\n')[0]).toBe('<b>根据本项目整理的国家标准（整理稿，请以原文为准）：</b>');
  });

  it('says per quote which is 原文 and which 整理稿 when both are quoted', () => {
    const reply = answerReply(
      answer({
        quotes: [
          { text: '初中师生比为1:11.58。', citation: 0 },
          { text: '小学不低于7.5平方米。', citation: 1 },
        ],
        citations: [citation(), citation({ passageId: 9, title: STANDARDS, sectionPath: [], page: null, pageEnd: null, kind: 'restatement' })],
      }),
    );
    const lines = reply.text.split('\n');
    expect(lines[0]).toBe(ANSWER.leadMixed);
    expect(lines[0]).not.toMatch(/^根据文件原文：/u);
    expect(lines[1]).toBe('原文：“初中师生比为1:11.58。”[1]');
    expect(lines[2]).toBe('整理稿：“小学不低于7.5平方米。”[2]');
  });
});

describe('the answer view: facts from the checklist data', () => {
  const base: Answer = { question: 'q', status: 'answered', quotes: [], citations: [], reason: { code: 'answered' }, suggestions: [] };
  const fact = (unverified: boolean) => ({ text: '综合差异系数：小学低于 0.65', source: '《县域义务教育均衡发展督导评估暂行办法》', unverified });

  it('calls the facts 国家标准 only when at least one is verified; unverified ones alone say so in the lead', () => {
    expect(answerReply({ ...base, facts: [fact(false)] }).text.startsWith(ANSWER.leadData)).toBe(true);
    expect(answerReply({ ...base, facts: [fact(false), fact(true)] }).text.startsWith(ANSWER.leadData)).toBe(true);
    const unverified = answerReply({ ...base, facts: [fact(true)] }).text;
    expect(unverified.startsWith(ANSWER.leadDataUnverified)).toBe(true);
    expect(unverified).not.toContain('按国家标准');
  });

  it('an unverified rule says where its figure really comes from, once, instead of the generic warning', () => {
    const why = '0.65和0.55只有一份县级工作总结称为国家规定标准（此标准未经核实，请以原文为准）。';
    const text = answerReply({ ...base, facts: [{ ...fact(true), unverifiedWhy: why }] }).text;
    expect(text).toContain('（未经核实：0.65和0.55只有一份县级工作总结称为国家规定标准；请以原文为准）');
    expect(text).not.toContain(ANSWER.unverified);
    // A fact that already quotes the note in full keeps the generic warning: the reason is not said twice.
    const both = answerReply({ ...base, facts: [{ ...fact(true), unverifiedWhy: why }, { ...fact(true), text: `说明：${why}`, source: null }] }).text;
    expect(both.split('县级工作总结').length - 1).toBe(1);
  });
});

describe('the answer view: partial', () => {
  const partial = answer({
    status: 'partial',
    reason: { code: 'fact_missing', asked: { kind: 'per_student', label: '生均数字' } },
    quotes: [{ text: '学校要配齐体育运动场馆。', citation: 0 }],
    citations: [citation({ passageId: 5 })],
    suggestions: [suggestion({ passageId: 5 }), suggestion()],
  });

  it('says the documents speak of the topic but do not state the asked fact, then quotes them', () => {
    const reply = answerReply(partial);
    expect(reply.text).toBe(
      [
        '文件谈到了这个话题，但没有写明您问的生均数字。相关原文：',
        '“学校要配齐体育运动场馆。”[1]',
        '',
        '出处：',
        '[1] 《拜城县义务教育均衡发展规划》 · 第三章 › 二、师资配置 · 第12页',
      ].join('\n'),
    );
    expect(replyHtml(reply).split('\n')[0]).toBe('<b>文件谈到了这个话题，但没有写明您问的生均数字。相关原文：</b>');
  });

  it('offers 查看原文 for the quote and 看看 for the other close sections', () => {
    expect(labels(partial)).toEqual([['查看原文 [1]'], ['看看：第三章 › 5.生均体育运动场馆面积']]);
  });

  it('says which words of the question the documents never use (校医) instead of claiming they speak of the topic', () => {
    const reply = answerReply({ ...partial, reason: { code: 'fact_missing', asked: { kind: 'unknown', label: '校医' } } });
    expect(reply.text.split('\n')[0]).toBe('收录的文件里没有出现「校医」这个说法，找不到您问的内容；可以换个说法再问。下面是最接近的相关原文：');
    expect(reply.text).not.toContain('谈到了这个话题');
  });

  it('does not call the restatement 原文', () => {
    const reply = answerReply({ ...partial, citations: [citation({ kind: 'restatement' })] });
    expect(reply.text.split('\n')[0]).toBe('文件谈到了这个话题，但没有写明您问的生均数字。相关内容（本项目整理的国家标准，请以原文为准）：');
  });
});

describe('the answer view: not_found', () => {
  const suggestions = [
    suggestion({ passageId: 31, sectionPath: ['第三章', '5.生均体育运动场馆面积'] }),
    suggestion({ passageId: 32, title: STANDARDS, sectionPath: [STANDARDS, '（一）教师配置：第六条第（一）至（三）项'] }),
  ];

  it('no_match: the refusal and the closest sections, each with a 看看 button', () => {
    const a = answer({ status: 'not_found', reason: { code: 'no_match' }, suggestions });
    const reply = answerReply(a);
    expect(reply.text).toBe(
      [
        '文件里没有找到能回答这个问题的内容。可以换个说法再问，或确认相关文件已经放进语料库。',
        '',
        '下面这些章节比较接近，可以看看：',
        '· 《拜城县义务教育均衡发展规划》 · 第三章 › 5.生均体育运动场馆面积',
        `· 《${STANDARDS}》 · （一）教师配置：第六条第（一）至（三）项`,
      ].join('\n'),
    );
    expect(reply.buttons).toEqual([
      [{ label: '看看：第三章 › 5.生均体育运动场馆面积', action: 'show:31' }],
      [{ label: '看看：（一）教师配置：第六条第（一）至（三）项', action: 'show:32' }],
    ]);
    // Nothing in bold: the refusal is not an answer's lead.
    expect(replyHtml(reply)).not.toContain('<b>');
  });

  it('no_match without close sections: the refusal alone, no buttons', () => {
    const reply = answerReply(answer({ status: 'not_found', reason: { code: 'no_match' } }));
    expect(reply.text).toBe(ANSWER.noMatch);
    expect(reply.buttons).toBeUndefined();
  });

  it('scope_missing: names what the documents do not speak of', () => {
    const reply = answerReply(answer({ status: 'not_found', reason: { code: 'scope_missing', missing: ['库车市'] }, suggestions }));
    expect(reply.text.split('\n')[0]).toBe('文件里没有关于「库车市」的内容，无法回答这个问题。可以去掉这个限定再问，或确认相关文件已经放进语料库。');
    expect(reply.text).toContain('下面这些章节比较接近，可以看看：');
    expect(labels(answer({ status: 'not_found', reason: { code: 'scope_missing', missing: ['库车市'] }, suggestions }))).toHaveLength(2);
  });

  it('no_topic: asks which topic, with topics from the closest sections', () => {
    const reply = answerReply(answer({ status: 'not_found', reason: { code: 'no_topic' }, suggestions }));
    expect(reply.text).toBe(
      [
        '您想问哪方面的要求？比如「生均体育运动场馆面积」、「教师配置」、「骨干教师配置」。',
        '把要问的内容写进问题里再问一次，例如：“初中生均体育运动场馆面积要达到多少？”',
      ].join('\n'),
    );
  });

  it('no_topic without close sections: generic example topics', () => {
    const reply = answerReply(answer({ status: 'not_found', reason: { code: 'no_topic' } }));
    expect(reply.text.split('\n')[0]).toBe(ANSWER.noTopic(EXAMPLE_TOPICS));
    expect(topicsOf([suggestion({ sectionPath: [] })])).toEqual(EXAMPLE_TOPICS);
  });

  it('fact_missing: says which fact no document states', () => {
    const reply = answerReply(answer({ status: 'not_found', reason: { code: 'fact_missing', asked: { kind: 'year', label: '年份' } }, suggestions }));
    expect(reply.text.split('\n')[0]).toBe('文件里没有写明您问的年份。可以换个说法再问，或确认相关文件已经放进语料库。');
  });

  it('never shows quotes or 查看原文 for a not_found answer', () => {
    const a = answer({ status: 'not_found', reason: { code: 'no_match' }, quotes: [{ text: '甲。', citation: 0 }], citations: [citation()], suggestions });
    const reply = answerReply(a);
    expect(reply.text).not.toContain('“甲。”');
    expect(labels(a).flat().every((l) => l.startsWith('看看：'))).toBe(true);
  });

  it('cuts a long 看看 label cleanly: ≤ 40 characters, no half surrogate pair, no bracket left open', () => {
    const long = suggestion({ sectionPath: ['（二）大力加强𠀋𠀋队伍建设，打造优良工作团队，全面提高教师队伍整体素质和专业水平（试行）'] });
    const title = suggestion({ title: `关于${'进一步'.repeat(10)}推进义务教育均衡发展的若干意见`, sectionPath: [] });
    for (const s of [long, title]) {
      const [label] = labels(answer({ status: 'not_found', reason: { code: 'no_match' }, suggestions: [s] })).flat();
      expect([...label!].length, label).toBeLessThanOrEqual(MAX_BUTTON_CHARS);
      expect(label!.startsWith('看看：')).toBe(true);
      expect(label).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/u);
      const depth = [...label!].reduce((d, c) => d + ('《（'.includes(c) ? 1 : '》）'.includes(c) ? -1 : 0), 0);
      expect(depth, label).toBe(0);
    }
  });
});

describe('the answer view in Telegram', () => {
  it('escapes document text: < & > in quotes and titles are never markup', () => {
    const reply = answerReply(
      answer({
        quotes: [{ text: '生均<面积> & 比例<b>', citation: 0 }],
        citations: [citation({ title: 'A<B>&C', sectionPath: ['<i>一</i>'] })],
      }),
    );
    const html = replyHtml(reply);
    expect(html).toContain('“生均&lt;面积&gt; &amp; 比例&lt;b&gt;”[1]');
    expect(html).toContain('[1] 《A&lt;B&gt;&amp;C》 · &lt;i&gt;一&lt;/i&gt; · 第12页');
    expect(html.replace(/<\/?b>/gu, '')).not.toMatch(/[<>]/u);
  });

  it('splits a long answer into messages under the limit, each valid HTML, nothing lost', () => {
    const quotes = Array.from({ length: 80 }, (_, i) => ({ text: `第${i}条：县域内<学校>办学条件 & 师资配置达到本省标准，校际差距逐步缩小。`.repeat(3), citation: i % 3 }));
    // One quote longer than a message: cut at a sentence end inside it.
    quotes.splice(40, 0, { text: '县域内义务教育学校办学条件达到本省标准<&>，校际差距逐步缩小。'.repeat(160), citation: 0 });
    const citations = [0, 1, 2].map((i) => citation({ passageId: i, title: `文件${i}<&>` }));
    const reply = answerReply(answer({ quotes, citations }));
    expect(reply.text.length).toBeGreaterThan(2 * MAX_MESSAGE);
    const messages = replyMessages(reply);
    expect(messages.length).toBeGreaterThan(2);
    const unescape = (h: string) => h.replace(/<\/?b>/gu, '').replace(/&lt;/gu, '<').replace(/&gt;/gu, '>').replace(/&amp;/gu, '&');
    for (const html of messages) {
      expect(unescape(html).length).toBeLessThanOrEqual(MAX_MESSAGE);
      // Tags are balanced and never nested or cut: only <b>…</b> pairs, no stray < or >.
      expect(html.replace(/<b>[^<>]*<\/b>/gu, '')).not.toMatch(/[<>]/u);
    }
    expect(messages[0]!.startsWith('<b>根据文件原文：</b>\n')).toBe(true);
    expect(messages.some((m) => m.includes('<b>出处：</b>\n[1] 《文件0&lt;&amp;&gt;》'))).toBe(true);
    // Nothing lost or added: the pieces, unescaped, are the plain text less the newlines at the cuts.
    const flat = (t: string) => t.replace(/\n+/gu, '');
    expect(flat(messages.map(unescape).join(''))).toBe(flat(reply.text));
    // The quote longer than a message is cut at a sentence end.
    expect(messages.filter((m) => !m.endsWith('”[1]') && !m.endsWith('”[2]') && !m.endsWith('”[3]')).slice(0, -1).every((m) => m.endsWith('。'))).toBe(true);
  });
});

describe('the answer view: off topic', () => {
  const offTopic: Answer = { question: '明天天气怎么样', status: 'not_found', quotes: [], citations: [], reason: { code: 'off_topic' }, suggestions: [] };

  it('says what the documents cover and offers the example questions, not unrelated sections', () => {
    const reply = answerReply(offTopic);
    expect(reply.text).toContain('没有涉及您问的内容');
    for (const q of EXAMPLE_QUESTIONS) expect(reply.text).toContain(q);
    expect(reply.buttons!.flat().map((b) => b.action)).toEqual(EXAMPLE_QUESTIONS.map((_, i) => `ask:${i}`));
    expect(reply.buttons!.every((row) => row.length > 0)).toBe(true);
  });
});

describe('the answer view: what is missing, in the user\'s words', () => {
  const partialWith = (asked: { kind: string; label: string }): Answer => ({
    question: '问',
    status: 'partial',
    quotes: [{ text: '经费按时拨付。', citation: 0 }],
    citations: [{ passageId: 1, source: 'a.txt', title: '某县方案', sectionPath: [], page: null, pageEnd: null, text: '经费按时拨付。', kind: 'document' }],
    reason: { code: 'fact_missing', asked },
    suggestions: [],
  });

  it('names the unit and the year the documents do not give', () => {
    expect(answerReply(partialWith({ kind: 'unit', label: '生均、每月' })).text).toContain('没有写明您问的按生均、每月计的数字');
    expect(answerReply(partialWith({ kind: 'years', label: '2021' })).text).toContain('没有写明您问的2021年的情况');
  });

  it('names the numbered items the passage found does not hold', () => {
    expect(answerReply(partialWith({ kind: 'items', label: '第14条' })).text).toContain('没有写明您问的第14条（找到的段落里没有这样编号的条目）');
  });

  it('says the passage found speaks of another place than the one asked', () => {
    expect(answerReply(partialWith({ kind: 'scope', label: '拜城县' })).text).toContain('没有写明您问的「拜城县」的情况（找到的段落讲的是别处）');
  });
});
