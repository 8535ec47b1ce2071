/**
 * Repair of pinyin-IME homophone typos in a question, against the words of
 * the indexed documents, before search.
 *
 * People type on phones with a pinyin input method and pick the wrong
 * candidate of the right sound: 学效 for 学校, 整该 for 整改, 公资 for 工资,
 * 差异系树 for 差异系数, 均横 for 均衡, 都导 for 督导. Such a typo keeps the
 * toneless syllables and changes one or two characters, and the typed string
 * never occurs in the documents. So, for every run of 2–5 Han characters of
 * the question whose text no passage contains, we look up the document words
 * of the same syllables (every reading of a typed polyphonic character
 * counts: 都 dou/du, 虫 chong; the document word as it is read in context:
 * 督导 du dao, 重新 chong xin, 银行 yin hang) and take the most frequent one
 * that passes the guards below. Only Han characters are ever changed: digits,
 * Latin letters, punctuation and spaces split the question into runs and are
 * copied through.
 *
 * Guards against false positives (a real word the documents simply do not use
 * must stay as typed, e.g. 公式 must not become 公示, 事业 not 失业):
 *  1. The candidate differs from the typed text in at most half of its
 *     characters (a typo changes one or two characters, not the whole word).
 *  2. The candidate occurs in at least `minCandidateDf` passages, or in
 *     `minCandidateShare` of them when that is fewer (a small corpus).
 *  3. The typed text is not itself a word of general Chinese: it is not in
 *     jieba's general dictionary (the one the segmenter uses) with a
 *     frequency of at least `knownWordFreq` (3: every ordinary entry; the
 *     entries below are mostly long numerals). 公式 (1158), 事业 (10025),
 *     失业 (1283), 代发 (7) are words; 学效, 整该, 公资, 系树, 均横, 都导 are
 *     not in the dictionary. Measured on single-character homophone typos of
 *     the 3000 most frequent dictionary words, about 5% of typos happen to be
 *     dictionary words themselves and are left alone; most are real words
 *     (教室 for 教师, 事业 for 失业) that no spelling check could tell from
 *     the intended one.
 *  4. The repair must make the question locally more probable Chinese: the
 *     typed span with `contextChars` characters each side is segmented with a
 *     unigram model over jieba's word frequencies (the best segmentation, as
 *     jieba itself does), once as typed and once repaired, and the repaired
 *     one must be at least e^`minLogGain` times more probable. This is the
 *     noisy-channel view of a typo with a constant channel cost, and it stops
 *     repairs across word boundaries: in 学校有几个 the span 校有 never occurs
 *     in the documents and sounds like the document word 校友, but 学校/有/几个
 *     is far more probable than 学/校友/几个, so nothing changes; in 学效的
 *     the lone 效 is rare and 学校 common, so the repair goes through.
 *     Document words the general dictionary lacks (差异系数) count with
 *     `vocabularyWordFreq`. Real typos gain from about 3 (都导 → 督导: 都 is
 *     very common) to 15 nats; repairs across a word boundary lose. The
 *     default 2 kept 94% of generated one-character typos of the test
 *     corpus's words (5 would keep 87% and lose 都导), and repaired none of
 *     54 correct questions against 50k real words as candidates.
 *
 *  5. The span must not cut through a word the documents use, as the typed
 *     context segments: 按学期算 holds no typo 期算 (期 also reads ji, so 计算
 *     would pass guard 4 by a hair), 上学挤 no 学挤 → 学期. A general word cut
 *     through may be part of a typo (对流守儿童: 对流 is a word, 流守 the
 *     typo of 留守). On the project's question sets this removed four wrong
 *     repairs (按学期算, 上学挤, 按全县, 权重是) and no right one.
 *
 * Known limit: a word newer than jieba's dictionary (新冠) looks like a typo
 * to guards 3 and 4; it is changed only if a document word of the same sound
 * (新馆) occurs in `minCandidateDf` passages.
 *
 * Longer repairs are preferred over shorter overlapping ones, then the larger
 * probability gain, then the earlier position.
 *
 * Cost: the syllable index is a trie built once per index generation; a
 * question walks it from each position with each reading of its characters,
 * so only sound-alike spans reach `substringDf` and the model (~0.15 ms a
 * question against 50k words). Building from 50k words takes ~0.4 s; the
 * general dictionary (~350k words) is parsed once per process (~0.5 s), on
 * the first `Vocabulary.build` that needs it.
 */
import { dict as jiebaDict } from '@node-rs/jieba/dict.js';
import { pinyin } from 'pinyin-pro';

export interface VocabularyEntry {
  word: string;
  /** Number of passages the word occurs in. */
  df: number;
}

/** The knobs of typo repair; their values and reasons are in corpus/lexicon/pipeline.yaml (typo). */
export interface TypoParameters {
  /** Shortest span (in Han characters) considered for repair. */
  minLength: number;
  /** Longest span (in Han characters) considered for repair. */
  maxLength: number;
  /** A candidate word must occur in at least this many passages … */
  minCandidateDf: number;
  /** … or in this share of the passages, whichever is fewer (a small corpus states a term once). */
  minCandidateShare: number;
  /** At most this share of a candidate's characters may differ from the typed span (and at least one does). */
  maxChangedRatio: number;
  /** A typed span that is a general-Chinese word with at least this jieba frequency is never repaired. */
  knownWordFreq: number;
  /** The repaired context must be at least e^minLogGain times more probable than the typed one. */
  minLogGain: number;
  /** Han characters on each side of the span included in the scored context. */
  contextChars: number;
  /** Frequency given to a document word that the general dictionary lacks (a domain term). */
  vocabularyWordFreq: number;
  /** A vocabulary word whose contextual reading cannot be told is indexed under at most this many reading combinations. */
  maxReadingCombos: number;
}

export interface TypoOptions extends TypoParameters {
  /** General-language word frequency (jieba's dictionary by default); 0 for unknown words. */
  wordFrequency: (word: string) => number;
  /** Sum of all frequencies of `wordFrequency`, the unigram model's denominator (jieba's total by default; 1e6 when a custom `wordFrequency` comes without it). */
  totalFrequency: number;
  /** How many passages the vocabulary was counted over; unknown: `minCandidateDf` alone decides. */
  passages?: number;
}

export interface Repair {
  /** The span as typed. */
  from: string;
  /** The document word put in its place. */
  to: string;
  /** UTF-16 offset of the span in the original question. */
  at: number;
  /** The toneless syllables both share, space-separated ("xue xiao"). */
  pinyin: string;
}

export interface Repaired {
  text: string;
  repairs: Repair[];
}

// ---------------------------------------------------------------------------
// General-language frequencies (jieba's dictionary)

interface GeneralDictionary {
  freq: Map<string, number>;
  total: number;
}

let general: GeneralDictionary | undefined;

/** jieba's dictionary ("word freq tag" per line), parsed once per process. */
function generalDictionary(): GeneralDictionary {
  if (!general) {
    const text = new TextDecoder().decode(jiebaDict);
    const freq = new Map<string, number>();
    let total = 0;
    let pos = 0;
    while (pos < text.length) {
      let end = text.indexOf('\n', pos);
      if (end < 0) end = text.length;
      const a = text.indexOf(' ', pos);
      if (a > pos && a < end) {
        let b = text.indexOf(' ', a + 1);
        if (b < 0 || b > end) b = end;
        const f = Number(text.slice(a + 1, b));
        if (f > 0) {
          const w = text.slice(pos, a);
          freq.set(w, (freq.get(w) ?? 0) + f);
          total += f;
        }
      }
      pos = end + 1;
    }
    general = { freq, total };
  }
  return general;
}

/** Frequency of a word in jieba's general dictionary (0 when absent). */
export function generalWordFrequency(word: string): number {
  return generalDictionary().freq.get(word) ?? 0;
}

/** The knobs come from corpus/lexicon/pipeline.yaml (each with its reason); the language model from jieba. */
function defaultOptions(parameters: TypoParameters): TypoOptions {
  return {
    ...parameters,
    wordFrequency: generalWordFrequency,
    totalFrequency: 0, // filled in from the dictionary when not given
  };
}

// ---------------------------------------------------------------------------
// Readings

const HAN = /^\p{Script=Han}$/u;
const HAN_RUN = /\p{Script=Han}+/gu;

const readingCache = new Map<string, string[]>();

/** All toneless readings pinyin-pro knows for one Han character (重 → zhong, chong). */
function readingsOf(ch: string): string[] {
  let r = readingCache.get(ch);
  if (!r) {
    const got = pinyin(ch, { multiple: true, toneType: 'none', type: 'array' });
    r = [...new Set(got.filter((s) => s !== '' && s !== ch))];
    if (r.length === 0) r = [ch]; // no reading known: matches only itself
    readingCache.set(ch, r);
  }
  return r;
}

/** Two words of the same length that a pinyin IME types alike (编织 / 编制): each pair of characters shares a toneless reading. */
export function sameSound(a: string, b: string): boolean {
  const x = [...a];
  const y = [...b];
  if (x.length !== y.length) return false;
  return x.every((ch, i) => ch === y[i] || readingsOf(ch).some((r) => readingsOf(y[i]!).includes(r)));
}

/** The text holds a word that sounds like `word` (two characters or more; one character has too many homophones). */
export function soundsIn(text: string, word: string): boolean {
  const w = [...word];
  if (w.length < 2) return false;
  const t = [...text];
  for (let i = 0; i + w.length <= t.length; i++) if (sameSound(t.slice(i, i + w.length).join(''), word)) return true;
  return false;
}

/**
 * How a document word is read: its contextual reading (提高 ti gao, never di gao: 的高 typed with 的's
 * reading di is no typo of it), or, when the reader cannot tell, every combination up to `max`.
 */
function readingSequences(chars: string[], word: string, max: number): string[][] {
  const contextual = pinyin(word, { toneType: 'none', type: 'array' });
  if (contextual.length === chars.length && contextual.every((s, i) => readingsOf(chars[i]!).includes(s))) return [contextual];
  const per = chars.map(readingsOf);
  let count = 1;
  for (const r of per) count *= r.length;
  if (count > max) {
    const ctx = pinyin(word, { toneType: 'none', type: 'array' });
    return ctx.length === chars.length ? [ctx] : [per.map((r) => r[0] as string)];
  }
  let seqs: string[][] = [[]];
  for (const r of per) {
    const next: string[][] = [];
    for (const s of seqs) for (const syl of r) next.push([...s, syl]);
    seqs = next;
  }
  return seqs;
}

// ---------------------------------------------------------------------------
// Vocabulary

interface Candidate {
  word: string;
  chars: string[];
  df: number;
}

interface TrieNode {
  next?: Map<string, TrieNode>;
  /** Words whose syllables end here, most frequent first. */
  words?: Candidate[];
}

interface VocabularyData {
  counts: Map<string, number>;
  trie: TrieNode;
  options: TypoOptions;
}

/** The internals of each vocabulary, kept off its public face. */
const internals = new WeakMap<Vocabulary, VocabularyData>();

function dataOf(vocabulary: Vocabulary): VocabularyData {
  const data = internals.get(vocabulary);
  if (!data) throw new Error('not a Vocabulary built by Vocabulary.build');
  return data;
}

/** Built once per index generation from its vocabulary (jieba words of the passages with passage counts). */
export class Vocabulary {
  private constructor(data: VocabularyData) {
    internals.set(this, data);
  }

  /**
   * Entries naming the same word have their counts added. Only words of
   * minLength..maxLength Han characters with df ≥ minCandidateDf become
   * repair candidates; `has`/`df` answer for every entry.
   */
  static build(entries: Iterable<VocabularyEntry>, parameters: TypoParameters, options?: Partial<TypoOptions>): Vocabulary {
    const opts: TypoOptions = { ...defaultOptions(parameters), ...options };
    if (!(opts.totalFrequency > 0)) {
      opts.totalFrequency = options?.wordFrequency ? 1e6 : generalDictionary().total;
    }
    const counts = new Map<string, number>();
    for (const { word, df } of entries) {
      if (!word || !(df > 0)) continue;
      counts.set(word, (counts.get(word) ?? 0) + df);
    }
    const root: TrieNode = {};
    const minDf = opts.passages === undefined ? opts.minCandidateDf : Math.min(opts.minCandidateDf, Math.max(1, Math.ceil(opts.passages * opts.minCandidateShare)));
    for (const [word, df] of counts) {
      if (df < minDf) continue;
      const chars = Array.from(word);
      if (chars.length < opts.minLength || chars.length > opts.maxLength) continue;
      if (!chars.every((c) => HAN.test(c))) continue;
      const cand: Candidate = { word, chars, df };
      for (const seq of readingSequences(chars, word, opts.maxReadingCombos)) {
        let node = root;
        for (const syl of seq) {
          node.next ??= new Map();
          let child = node.next.get(syl);
          if (!child) node.next.set(syl, (child = {}));
          node = child;
        }
        (node.words ??= []).push(cand);
      }
    }
    const sortNode = (node: TrieNode): void => {
      node.words?.sort(byDfThenWord);
      if (node.next) for (const child of node.next.values()) sortNode(child);
    };
    sortNode(root);
    return new Vocabulary({ counts, trie: root, options: opts });
  }

  has(word: string): boolean {
    return dataOf(this).counts.has(word);
  }

  df(word: string): number {
    return dataOf(this).counts.get(word) ?? 0;
  }
}

function byDfThenWord(a: Candidate, b: Candidate): number {
  return b.df - a.df || (a.word < b.word ? -1 : a.word > b.word ? 1 : 0);
}

// ---------------------------------------------------------------------------
// Local unigram model

/** Longest word the context segmentation considers. */
const MODEL_MAX_WORD = 7;

/** Log-probability of the best segmentation of `chars` (jieba-style unigram model). */
function bestSegmentationLogProb(chars: string[], data: VocabularyData): number {
  return bestSegmentation(chars, data).logProb;
}

/** The best segmentation of `chars`: its log-probability and where its words start. */
function bestSegmentation(chars: string[], data: VocabularyData): { logProb: number; starts: Set<number> } {
  const { wordFrequency, totalFrequency, vocabularyWordFreq } = data.options;
  const logTotal = Math.log(totalFrequency);
  const best = new Array<number>(chars.length + 1).fill(-Infinity);
  const from = new Array<number>(chars.length + 1).fill(0);
  best[0] = 0;
  for (let end = 1; end <= chars.length; end++) {
    for (let len = 1; len <= MODEL_MAX_WORD && len <= end; len++) {
      const before = best[end - len] as number;
      if (before === -Infinity) continue;
      const w = chars.slice(end - len, end).join('');
      let f = wordFrequency(w);
      if (len > 1 && data.counts.has(w)) f = Math.max(f, vocabularyWordFreq);
      if (len === 1) f = Math.max(f, 1); // any character may stand alone, however rare
      if (f <= 0) continue;
      const score = before + Math.log(f) - logTotal;
      if (score > (best[end] as number)) {
        best[end] = score;
        from[end] = end - len;
      }
    }
  }
  const starts = new Set<number>();
  for (let end = chars.length; end > 0; end = from[end] as number) starts.add(from[end] as number);
  return { logProb: best[chars.length] as number, starts };
}

/** Whether offset `at` of `chars` falls inside (not at the edge of) a word of the segmentation that the documents use. */
function cutsDocumentWord(chars: string[], starts: ReadonlySet<number>, at: number, data: VocabularyData): boolean {
  if (at <= 0 || at >= chars.length || starts.has(at)) return false;
  let from = at;
  while (!starts.has(from)) from--;
  let to = at;
  while (to < chars.length && !starts.has(to)) to++;
  return data.counts.has(chars.slice(from, to).join(''));
}

// ---------------------------------------------------------------------------
// Repair

interface Proposal extends Repair {
  /** Character offset within the run and length in characters. */
  start: number;
  length: number;
  gain: number;
  runIndex: number;
}

/**
 * Replaces homophone typos of the question by document words. `substringDf(s)`
 * tells in how many passages `s` occurs as a substring. Pure and deterministic.
 */
export function repairTypos(
  question: string,
  vocabulary: Vocabulary,
  substringDf: (s: string) => number,
  /** Words people type on purpose (优均, 基均: the lexicon's everyday forms); no repair touches them. */
  intended: readonly string[] = [],
): Repaired {
  const data = dataOf(vocabulary);
  const guarded: Array<[number, number]> = [];
  for (const w of intended) for (let i = question.indexOf(w); i >= 0; i = question.indexOf(w, i + 1)) guarded.push([i, i + w.length]);
  const opts = data.options;
  const dfCache = new Map<string, number>();
  const occurs = (s: string): boolean => {
    let n = dfCache.get(s);
    if (n === undefined) dfCache.set(s, (n = substringDf(s)));
    return n > 0;
  };

  const runs: { at: number; chars: string[]; offsets: number[] }[] = [];
  for (const m of question.matchAll(HAN_RUN)) {
    const chars = Array.from(m[0]);
    if (chars.length < opts.minLength) continue;
    const offsets: number[] = [];
    let off = m.index;
    for (const c of chars) {
      offsets.push(off);
      off += c.length;
    }
    runs.push({ at: m.index, chars, offsets });
  }

  const proposals: Proposal[] = [];
  runs.forEach((run, runIndex) => {
    const { chars } = run;
    for (let start = 0; start + opts.minLength <= chars.length; start++) {
      // Walk the syllable trie with every reading of each character; each
      // node holding words at depth ≥ minLength names a sound-alike span.
      const found = new Map<number, { node: TrieNode; syllables: string[] }[]>();
      const walk = (node: TrieNode, depth: number, syllables: string[]): void => {
        if (depth >= opts.minLength && node.words) {
          let list = found.get(depth);
          if (!list) found.set(depth, (list = []));
          list.push({ node, syllables: [...syllables] });
        }
        if (depth >= opts.maxLength || start + depth >= chars.length || !node.next) return;
        for (const syl of readingsOf(chars[start + depth] as string)) {
          const child = node.next.get(syl);
          if (child) {
            syllables.push(syl);
            walk(child, depth + 1, syllables);
            syllables.pop();
          }
        }
      };
      walk(data.trie, 0, []);

      for (const [length, hits] of found) {
        const spanChars = chars.slice(start, start + length);
        const span = spanChars.join('');
        const maxChanged = Math.floor(length * opts.maxChangedRatio);
        // Gather sound-alike candidates (a word reachable by several readings once).
        const seen = new Set<string>();
        const cands: { cand: Candidate; syllables: string[] }[] = [];
        for (const { node, syllables } of hits) {
          for (const cand of node.words ?? []) {
            if (seen.has(cand.word)) continue;
            seen.add(cand.word);
            let changed = 0;
            for (let i = 0; i < length; i++) if (cand.chars[i] !== spanChars[i]) changed++;
            if (changed === 0 || changed > maxChanged) continue;
            cands.push({ cand, syllables });
          }
        }
        if (cands.length === 0) continue;
        if (occurs(span)) continue;
        if (opts.wordFrequency(span) >= opts.knownWordFreq) continue;
        cands.sort((a, b) => byDfThenWord(a.cand, b.cand));
        const lo = Math.max(0, start - opts.contextChars);
        const hi = Math.min(chars.length, start + length + opts.contextChars);
        const window = chars.slice(lo, hi);
        const typedSegmentation = bestSegmentation(window, data);
        // 按学期算 read as 按学/计算, 上学挤 as 上/学期: a span that cuts through a document word of the question
        // as typed (学期, 上学) is no typo of its own. A general word cut through (对流 in 对流守儿童) may be one.
        if (cutsDocumentWord(window, typedSegmentation.starts, start - lo, data) || cutsDocumentWord(window, typedSegmentation.starts, start + length - lo, data)) continue;
        const typed = typedSegmentation.logProb;
        for (const { cand, syllables } of cands) {
          const repaired = [...chars.slice(lo, start), ...cand.chars, ...chars.slice(start + length, hi)];
          const gain = bestSegmentationLogProb(repaired, data) - typed;
          if (gain < opts.minLogGain) continue;
          proposals.push({
            from: span,
            to: cand.word,
            at: run.offsets[start] as number,
            pinyin: syllables.join(' '),
            start,
            length,
            gain,
            runIndex,
          });
          break;
        }
      }
    }
  });

  // Longer repairs first, then the larger gain, then the earlier one; no overlaps.
  proposals.sort((a, b) => b.length - a.length || b.gain - a.gain || a.at - b.at);
  const taken: Proposal[] = [];
  for (const p of proposals) {
    // 我们县基均 is 县 + 基均, not a mistyped 县级.
    if (guarded.some(([a, b]) => p.at < b && a < p.at + p.from.length)) continue;
    const overlaps = taken.some(
      (t) => t.runIndex === p.runIndex && p.start < t.start + t.length && t.start < p.start + p.length,
    );
    if (!overlaps) taken.push(p);
  }
  taken.sort((a, b) => a.at - b.at);

  let text = '';
  let pos = 0;
  for (const p of taken) {
    text += question.slice(pos, p.at) + p.to;
    pos = p.at + p.from.length;
  }
  text += question.slice(pos);
  return {
    text,
    repairs: taken.map(({ from, to, at, pinyin: syllables }) => ({ from, to, at, pinyin: syllables })),
  };
}
