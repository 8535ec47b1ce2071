import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { ConfigError } from '../errors.js';

/**
 * The answering pipeline's words and fixed parameters, read from data files
 * (corpus/lexicon/*.yaml) and checked once. Every entry carries a reason in
 * the file; nothing here is tuned in code.
 */

const reason = z.string().min(2);
const words = z.array(z.string().min(1)).min(1);

const SynonymsFile = z.array(
  z.object({ everyday: words, document: words, equivalent: z.boolean().default(false), reason }).strict(),
);
const QuestionWordsFile = z.array(z.object({ words, asks: z.string().nullable(), measure: z.string().min(1).optional(), indefiniteBefore: z.boolean().optional(), reason }).strict());
const WordGroups = z.array(z.object({ words, reason }).strict());
const AlternativeGroups = z.array(z.object({ sides: z.array(words).min(2), reason }).strict());
const AdminLevels = z.array(z.object({ level: z.string().min(1), asked: words, self: words, reason }).strict());
const FunctionWordsFile = z.object({ stopwords: WordGroups, frameNouns: WordGroups, connectors: WordGroups, possessives: WordGroups, documentKinds: WordGroups, placeSuffixes: WordGroups, locatives: WordGroups, institutionSuffixes: WordGroups, documentRefMarkers: WordGroups, sourceMarkers: WordGroups, eachMarkers: WordGroups, localReferences: WordGroups, localDocumentKinds: WordGroups, nationalReferences: WordGroups, documentPhrases: WordGroups, dependentStarts: WordGroups, mistaggedNouns: WordGroups, qualifiers: WordGroups, alternatives: AlternativeGroups, adminLevels: AdminLevels }).strict();
const UnitsFile = z.array(z.object({ label: z.string().min(1), forms: words, reason }).strict());
const WrittenMeasuresFile = z.array(z.object({ asked: words, written: z.array(z.string().min(1)), reason }).strict());
const AskedFactsFile = z.array(
  z.object({
    kind: z.string().min(1),
    label: z.string().min(1),
    evidence: words,
    except: z
      .array(z.object({ words: words.optional(), patterns: words.optional(), reason }).strict().refine((g) => g.words || g.patterns, '每组要有 words 或 patterns'))
      .default([]),
    reason,
  }).strict(),
);
const TypoSchema = z.object({
  minLength: z.number().int().positive(),
  maxLength: z.number().int().positive(),
  minCandidateDf: z.number().positive(),
  minCandidateShare: z.number().positive().max(1),
  maxChangedRatio: z.number().min(0).max(1),
  knownWordFreq: z.number().nonnegative(),
  minLogGain: z.number().nonnegative(),
  contextChars: z.number().int().nonnegative(),
  vocabularyWordFreq: z.number().positive(),
  maxReadingCombos: z.number().int().positive(),
});
/** Fixed parameters; unknown keys (the `…Reason` lines) are dropped after withReasons has checked them. */
const PipelineSchema = z.object({
  perChannel: z.number().int().positive(),
  rrfK: z.number().positive(),
  answerDepth: z.number().int().positive(),
  focusWindow: z.number().int().positive(),
  maxQuote: z.number().int().positive(),
  maxQuotes: z.number().int().min(1),
  secondQuoteShare: z.number().min(0).max(1),
  relatedSentenceShare: z.number().min(0).max(1),
  maxQueryTerms: z.number().int().positive(),
  maxTermShare: z.number().min(0).max(1),
  ubiquitousShare: z.number().min(0).max(1),
  levelSample: z.number().int().positive(),
  maxTermPostings: z.number().int().positive(),
  headingMaxLength: z.number().int().positive(),
  typo: TypoSchema,
});
export type PipelineParameters = z.infer<typeof PipelineSchema>;

/** Every number in pipeline.yaml has its `<name>Reason` next to it. */
const PipelineFile = z.unknown().superRefine((raw, ctx) => {
  const check = (o: unknown, at: string) => {
    if (!o || typeof o !== 'object') return;
    for (const [k, v] of Object.entries(o as Record<string, unknown>)) {
      const reasonOf = (o as Record<string, unknown>)[`${k}Reason`];
      if (typeof v === 'number' && !(typeof reasonOf === 'string' && reasonOf.trim().length >= 2)) {
        ctx.addIssue({ code: 'custom', message: `${at}${k} 缺少 ${k}Reason` });
      } else if (typeof v === 'object') check(v, `${at}${k}.`);
    }
  };
  check(raw, '');
}).pipe(PipelineSchema);

export interface SynonymEntry {
  everyday: readonly string[];
  document: readonly string[];
  equivalent: boolean;
}

export interface UnitGroup {
  label: string;
  forms: readonly string[];
}

export interface AskedFactKind {
  kind: string;
  label: string;
  evidence: readonly RegExp[];
  /** Words that look like evidence but are not (升旗, 城乡 end like place names): ignored before matching. */
  except: readonly string[];
  /** Patterns that look like evidence but are not (a date or 文号 states no quantity): ignored before matching. */
  exceptPatterns: readonly RegExp[];
}

/** The text states a fact of this kind: some evidence pattern matches once the look-alike words are set aside. */
export function statesAskedFact(fact: AskedFactKind, text: string): boolean {
  let body = text;
  for (const w of fact.except) if (body.includes(w)) body = body.replaceAll(w, ' ');
  for (const re of fact.exceptPatterns) body = body.replace(re, ' ');
  return fact.evidence.some((re) => re.test(body));
}


/** One administrative level: the question's words for it (区里, 该区) and a document's words for itself (我区, 全区). */
export interface AdminLevel {
  level: string;
  asked: readonly string[];
  self: readonly string[];
}

export interface Lexicon {
  synonyms: readonly SynonymEntry[];
  /** Longest first, so 多少钱 is matched before 多少. `measure`: the measure the word itself asks the figure in (百分之多少 → %), or null. */
  questionWords: readonly { word: string; asks: string | null; measure: string | null }[];
  /** Question words after which, in the same clause, a 几 counts nothing (几个学校咋共用: several schools). */
  indefiniteBefore: readonly string[];
  stopwords: ReadonlySet<string>;
  frameNouns: ReadonlySet<string>;
  /** Words joining the two sides of a comparison (A和B). */
  connectors: readonly string[];
  /** Words joining a modifier to its noun (的): the two sides of a comparison are parallel in them. */
  possessives: readonly string[];
  /** Document-kind words (报告, 方案 …) that make "X里" a reference to a document. */
  documentKinds: readonly string[];
  /** Administrative suffixes (市, 县 …): a noun followed by one is a place name. */
  placeSuffixes: readonly string[];
  /** Locative words after a noun (方案里, 算例中): a name jieba starts with one (算例/里甲) is that locative and a fragment. */
  locatives: readonly string[];
  /** 小学, 中学 …: the word or single characters before one may be a school's name the segmenter broke up (充国/小学, 充/国/小学). */
  institutionSuffixes: readonly string[];
  /** Words after a document's name at the start of a question (调研报告里…). */
  documentRefMarkers: readonly string[];
  /** Words that open the line naming a rule's source (出处：…). */
  sourceMarkers: readonly string[];
  /** Words asking the same fact of each of two things (A和B分别…): answered like a comparison, one quote per side. */
  eachMarkers: readonly string[];
  /** Words pointing at one local document or the place it is about (该县, 这个区的方案, 调研报告). */
  localReferences: readonly string[];
  /** Kinds of local document (方案, 总结): with a level word (区里的优均方案) the question points into a local document. */
  localDocumentKinds: readonly string[];
  /** Words naming the national standards (国家, 优均, 整理稿): with them a local reference may still ask the restatement. */
  nationalReferences: readonly string[];
  /**
   * The national references that name the national side itself (国家, 整理稿, 评估办法), not one of the
   * evaluations (优均, 基本均衡: `alternatives`), which a local plan may be about (区里的优均方案).
   */
  nationalSide: readonly string[];
  /** How questions name a document anywhere in them (整改方案, 调研报告), longest first. */
  documentPhrases: readonly string[];
  /** Words a sentence opens with when it goes on from the one before (若, 其中, 该). */
  dependentStarts: readonly string[];
  /** Nouns of these documents the segmenter tags as function words (初中 as a direction word): key like any noun. */
  mistaggedNouns: ReadonlySet<string>;
  /** Words that narrow a topic without being one (小学, 初中): a question naming only them has no topic. */
  qualifiers: ReadonlySet<string>;
  /** Groups of things that exclude each other (优质均衡 / 基本均衡); each side lists all its spellings. */
  alternatives: readonly (readonly (readonly string[])[])[];
  /** Administrative levels (区, 县, 市): how a question points at one, how a document speaks of itself at it. */
  adminLevels: readonly AdminLevel[];
  /** Every question word of every level (县里, 这个区, 镇里): they point at a place's level, they name no place. */
  levelWords: ReadonlySet<string>;
  units: readonly UnitGroup[];
  askedFacts: ReadonlyMap<string, AskedFactKind>;
  /** Measure words after which a Chinese numeral is a quantity (三年 → 3年). */
  measureWords: readonly string[];
  /** Words made of numeral characters that state no figure (十分, 百姓), for checking an LLM's numbers. */
  numeralIdioms: readonly string[];
  /** How documents write a figure asked in a measure word (几本 → 册); empty: any measure will do. Unlisted: the same word. */
  writtenMeasures: ReadonlyMap<string, readonly string[]>;
  pipeline: PipelineParameters;
}

/** The raw contents of the lexicon files, by file name. */
export type LexiconSources = Record<string, string>;

export const LEXICON_FILES = ['synonyms.yaml', 'question-words.yaml', 'function-words.yaml', 'units.yaml', 'asked-facts.yaml', 'measure-words.yaml', 'written-measures.yaml', 'numeral-idioms.yaml', 'pipeline.yaml'] as const;

function parseFile<T>(sources: LexiconSources, name: string, schema: z.ZodType<T>): T {
  const text = sources[name];
  if (text === undefined) throw new ConfigError(`缺少词表文件 ${name}`, `lexicon file missing: ${name}`);
  let raw: unknown;
  try {
    raw = parse(text);
  } catch (e) {
    throw new ConfigError(`词表文件 ${name} 不是合法的 YAML`, `${name}: ${(e as Error).message}`);
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new ConfigError(`词表文件 ${name} 格式不对`, `${name}: ${parsed.error.message}`);
  return parsed.data;
}

/** Parses the lexicon files' contents (pure: no file access). */
export function parseLexicon(sources: LexiconSources): Lexicon {
  const synonyms = parseFile(sources, 'synonyms.yaml', SynonymsFile);
  const questionWordGroups = parseFile(sources, 'question-words.yaml', QuestionWordsFile);
  const questionWords = questionWordGroups
    .flatMap((g) => g.words.map((word) => ({ word, asks: g.asks, measure: g.measure ?? null })))
    .sort((a, b) => b.word.length - a.word.length);
  const fn = parseFile(sources, 'function-words.yaml', FunctionWordsFile);
  const units = parseFile(sources, 'units.yaml', UnitsFile).map(({ label, forms }) => ({ label, forms }));
  const askedFacts = new Map<string, AskedFactKind>();
  for (const f of parseFile(sources, 'asked-facts.yaml', AskedFactsFile)) {
    const compile = (pattern: string, flags: string) => {
      try {
        return new RegExp(pattern, flags);
      } catch (e) {
        throw new ConfigError(`词表文件 asked-facts.yaml 里 ${f.kind} 的正则表达式有误`, `${pattern}: ${(e as Error).message}`);
      }
    };
    askedFacts.set(f.kind, {
      kind: f.kind,
      label: f.label,
      evidence: f.evidence.map((p) => compile(p, 'u')),
      except: f.except.flatMap((g) => g.words ?? []).sort((a, b) => b.length - a.length),
      exceptPatterns: f.except.flatMap((g) => g.patterns ?? []).map((p) => compile(p, 'gu')),
    });
  }
  for (const q of questionWords) {
    if (q.asks !== null && !askedFacts.has(q.asks)) {
      throw new ConfigError(`词表文件 question-words.yaml 里“${q.word}”问的类型 ${q.asks} 在 asked-facts.yaml 里没有定义`, `unknown asks ${q.asks}`);
    }
  }
  const pipeline = parseFile(sources, 'pipeline.yaml', PipelineFile);

  return {
    synonyms,
    questionWords,
    indefiniteBefore: questionWordGroups.filter((g) => g.indefiniteBefore === true).flatMap((g) => g.words),
    stopwords: new Set(fn.stopwords.flatMap((g) => g.words)),
    frameNouns: new Set(fn.frameNouns.flatMap((g) => g.words)),
    connectors: fn.connectors.flatMap((g) => g.words),
    possessives: fn.possessives.flatMap((g) => g.words),
    documentKinds: fn.documentKinds.flatMap((g) => g.words),
    placeSuffixes: fn.placeSuffixes.flatMap((g) => g.words),
    locatives: fn.locatives.flatMap((g) => g.words),
    institutionSuffixes: fn.institutionSuffixes.flatMap((g) => g.words),
    documentRefMarkers: fn.documentRefMarkers.flatMap((g) => g.words).sort((a, b) => b.length - a.length),
    sourceMarkers: fn.sourceMarkers.flatMap((g) => g.words),
    eachMarkers: fn.eachMarkers.flatMap((g) => g.words),
    localReferences: fn.localReferences.flatMap((g) => g.words),
    localDocumentKinds: fn.localDocumentKinds.flatMap((g) => g.words),
    nationalReferences: fn.nationalReferences.flatMap((g) => g.words),
    nationalSide: fn.nationalReferences.flatMap((g) => g.words).filter((w) => !fn.alternatives.some((a) => a.sides.flat().includes(w))),
    documentPhrases: fn.documentPhrases.flatMap((g) => g.words).sort((a, b) => b.length - a.length),
    dependentStarts: fn.dependentStarts.flatMap((g) => g.words),
    mistaggedNouns: new Set(fn.mistaggedNouns.flatMap((g) => g.words)),
    qualifiers: new Set(fn.qualifiers.flatMap((g) => g.words)),
    alternatives: fn.alternatives.map((g) => g.sides),
    adminLevels: fn.adminLevels.map(({ level, asked, self }) => ({ level, asked, self })),
    levelWords: new Set(fn.adminLevels.flatMap((l) => l.asked)),
    units,
    askedFacts,
    measureWords: parseFile(sources, 'measure-words.yaml', WordGroups).flatMap((g) => g.words),
    numeralIdioms: parseFile(sources, 'numeral-idioms.yaml', WordGroups).flatMap((g) => g.words),
    writtenMeasures: new Map(parseFile(sources, 'written-measures.yaml', WrittenMeasuresFile).flatMap((g) => g.asked.map((a) => [a, g.written] as const))),
    pipeline,
  };
}

/** The repository's lexicon folder, independent of the working directory. */
export const DEFAULT_LEXICON_DIR = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../corpus/lexicon');

const cache = new Map<string, Lexicon>();

/** Reads and parses a lexicon folder (once per process per folder). */
export function loadLexicon(dir: string = DEFAULT_LEXICON_DIR): Lexicon {
  const hit = cache.get(dir);
  if (hit) return hit;
  const sources: LexiconSources = {};
  for (const name of LEXICON_FILES) {
    const file = path.join(dir, name);
    if (fs.existsSync(file)) sources[name] = fs.readFileSync(file, 'utf8');
  }
  const lexicon = parseLexicon(sources);
  cache.set(dir, lexicon);
  return lexicon;
}
