import { segmentWords } from '../index/segment.js';
import { plainQuery, SYNONYMS } from './query.js';

/** Function words that carry no meaning a passage could match. */
const STOPWORDS = new Set([
  '的', '了', '和', '与', '及', '或', '对', '在', '是', '要', '有', '把', '被', '将', '按', '从', '向', '于', '里', '中', '上', '下',
  '得', '地', '来', '去', '为', '那么', '这么', '这样', '那样', '起来', '个', '些', '都', '也', '还', '就', '又', '而', '并', '等',
  '多', '少', '最', '能', '会', '可以', '应该', '应当', '需要', '我们', '你们', '他们', '我', '你', '他', '它', '这', '那', '这个',
  '那个', '其', '之', '以', '给', '让', '跟', '同', '呀', '哦', '嗯', '啥', '咋', '么', '靠', '算', '用', '做', '搞', '讲', '说',
]);

/**
 * What a passage must contain to answer a question: one concept per content
 * word, each concept the word and its document synonyms (老师 → 教师), so a
 * passage matches a concept by any of its forms and is never credited twice.
 */
export function questionConcepts(question: string): string[][] {
  // A phrase the asker put in quotes (“有效课堂”) is one concept, matched whole.
  const quoted = quotedPhrases(question);
  let rest = question;
  for (const q of quoted) rest = rest.replaceAll(q, ' ');
  const words: string[] = [...quoted];
  for (const w of segmentWords(plainQuery(rest))) {
    if (!STOPWORDS.has(w) && !words.includes(w)) words.push(w);
  }
  // A word inside a longer kept word adds nothing but double counting.
  const kept = words.filter((w) => !words.some((o) => o !== w && o.length > w.length && o.includes(w)));
  return kept.map((w) => {
    const forms = [w];
    for (const [everyday, canon] of Object.entries(SYNONYMS)) {
      if (w.includes(everyday)) for (const c of canon) if (!forms.includes(c)) forms.push(c);
    }
    return forms;
  });
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
