import { segmentWords, tagWords } from '../index/segment.js';
import { plainQuery, SYNONYMS } from './query.js';

/** Function words that carry no meaning a passage could match. */
const STOPWORDS = new Set([
  '的', '了', '和', '与', '及', '或', '对', '在', '是', '要', '有', '把', '被', '将', '按', '从', '向', '于', '里', '中', '上', '下',
  '得', '地', '来', '去', '为', '那么', '这么', '这样', '那样', '起来', '个', '些', '都', '也', '还', '就', '又', '而', '并', '等',
  '多', '少', '最', '能', '会', '可以', '应该', '应当', '需要', '我们', '你们', '他们', '我', '你', '他', '它', '这', '那', '这个',
  '那个', '其', '之', '以', '给', '让', '跟', '同', '呀', '哦', '嗯', '啥', '咋', '么', '靠', '算', '用', '做', '搞', '讲', '说',
]);

/** One thing a question asks about: a word with its document synonyms, and whether an answer must contain it. */
export interface Concept {
  forms: string[];
  /** A content word (noun, name, number, quoted phrase) without which a passage cannot answer. */
  key: boolean;
  /** A name (place, person, organisation, school): a passage may inherit it from its section or the passage before. */
  scope: boolean;
  /** Sub-words of a long word (生均公用经费 → 生均, 公用经费) for text that splits it (生均预算内公用经费). */
  parts: string[];
}

/** Part-of-speech tags of content words: nouns, names, abbreviations, nominal verbs, idioms, Latin, numbers. */
const CONTENT_TAGS = new Set(['n', 'nr', 'nrt', 'ns', 'nt', 'nz', 'ng', 'vn', 'j', 'l', 'i', 'eng', 'm']);
const NAME_TAGS = new Set(['nr', 'nrt', 'ns', 'nt', 'nz', 'eng']);

/**
 * Nouns that name the kind of answer rather than its content ("有什么要求",
 * "目标是多少", "哪个部门"): the answer says 达到100%, not 目标.
 */
const FRAME_NOUNS = new Set([
  '要求', '目标', '标准', '原则', '措施', '办法', '做法', '部门', '单位', '规定', '情况', '内容', '问题', '时间', '数量', '数字',
  '比例', '范围', '条件', '程序', '流程', '方式', '方法', '作用', '意义', '政策', '依据', '途径', '重点', '任务', '工作', '方面',
  '多少', '哪些', '东西', '事情', '地方', '人员', '效果', '水平', '关系', '区别', '联系', '不同', '差别', '异同', '概念', '含义',
  '意思', '定义',
]);

/** "调研报告里…", "整改方案中…": the words naming a document the question points into. */
function documentReference(question: string): string | null {
  const m = /^(?:在)?([^，,？?。\s]{2,12}?)(?:里|中|上|当中)(?=[^，,？?。]{2,})/u.exec(question.normalize('NFKC'));
  return m && /(报告|方案|规划|计划|办法|意见|通知|文件|总结|细则|标准|纲要)$/u.test(m[1]!) ? m[1]! : null;
}

/**
 * What a passage must contain to answer a question: one concept per content
 * word, each concept the word and its document synonyms (老师 → 教师), so a
 * passage matches a concept by any of its forms and is never credited twice.
 * Key concepts decide whether a passage can answer at all; the others only
 * help to rank.
 */
export function questionConcepts(question: string): Concept[] {
  // A phrase the asker put in quotes (“有效课堂”) is one concept, matched whole.
  const quoted = quotedPhrases(question);
  let rest = question;
  for (const q of quoted) rest = rest.replaceAll(q, ' ');
  const docRef = documentReference(rest);
  const docWords = new Set(docRef ? tagWords(docRef).map((t) => t.word) : []);
  // A quoted phrase is matched in its parts: documents punctuate names differently (“片联校”“教师走教”).
  const concepts: Concept[] = quoted.flatMap((q) =>
    q.split(/[、，,；;\s]+/u).filter((part) => part.length >= 2).map((part) => ({ forms: [part], key: true, scope: false, parts: [] })),
  );
  const seen = new Set<string>(concepts.map((c) => c.forms[0]!));
  for (const { word, tag } of tagWords(plainQuery(rest))) {
    if (STOPWORDS.has(word) || seen.has(word) || !/[\p{L}\p{N}]/u.test(word)) continue;
    seen.add(word);
    const isNumber = tag === 'm' && /\d/.test(word);
    const content = CONTENT_TAGS.has(tag) && (tag !== 'm' || isNumber);
    const key = content && !FRAME_NOUNS.has(word) && !docWords.has(word) && (word.length > 1 || isNumber);
    const parts = word.length >= 4 ? segmentWords(word).filter((w) => w !== word && w.length >= 2) : [];
    concepts.push({ forms: [word, ...synonymsOf(word)], key, scope: key && (NAME_TAGS.has(tag) || docWords.has(word)), parts });
  }
  return concepts;
}

function synonymsOf(word: string): string[] {
  const out: string[] = [];
  for (const [everyday, canon] of Object.entries(SYNONYMS)) {
    if (word.includes(everyday)) for (const c of canon) if (c !== word && !out.includes(c)) out.push(c);
  }
  return out;
}

/** Search-normalised phrases inside “”, "", 「」 or 『』 (at least two characters). */
export function quotedPhrases(question: string): string[] {
  const out: string[] = [];
  for (const m of question.matchAll(/[“"「『]([^”"」』]{2,30})[”"」』]/gu)) {
    const phrase = m[1]!.normalize('NFKC').toLowerCase().trim();
    if (phrase.length >= 2 && !out.includes(phrase)) out.push(phrase);
  }
  return out;
}

/** Sentences of a passage, each with its terminator (。！？；) or line end. */
export function sentencesOf(text: string): string[] {
  return text.match(/[^。！？；!?;\n]+[。！？；!?;]*/gu)?.map((s) => s.trim()).filter(Boolean) ?? [];
}
