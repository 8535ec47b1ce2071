import { parseLexicon, type Lexicon } from '../../src/answer/lexicon.js';

/** A small lexicon written for the stage tests (no files): the same schema as corpus/lexicon. */
export function testLexicon(): Lexicon {
  return parseLexicon({
    'synonyms.yaml': `
- everyday: [老师]
  document: [教师]
  reason: 口语与文件用词
- everyday: [优均]
  document: [优质均衡]
  reason: 简称
- everyday: [乡村]
  document: [农村]
  equivalent: true
  reason: 混用
`,
    'question-words.yaml': `
- words: [有什么区别, 区别]
  asks: comparison
  reason: 比较
- words: [哪一年, 哪年]
  asks: time
  reason: 问时间
- words: [多少, 几]
  asks: figure
  reason: 问数量
- words: [哪几所]
  asks: null
  reason: 问名称
- words: [什么, 哪些]
  asks: null
  reason: 泛问
- words: [吗, 呢]
  asks: null
  reason: 语气
- words: [怎么, 咋]
  asks: null
  indefiniteBefore: true
  reason: 问做法；前面的“几个”是若干
`,
    'function-words.yaml': `
stopwords:
  - words: [的, 了, 是, 要, 有, 对, 在]
    reason: 虚词
frameNouns:
  - words: [要求, 标准, 目标]
    reason: 问法名词
connectors:
  - words: [和, 与]
    reason: 连接两方
possessives:
  - words: [的]
    reason: 定语助词
documentKinds:
  - words: [报告, 方案]
    reason: 文件种类
placeSuffixes:
  - words: [市, 县]
    reason: 行政区划
locatives:
  - words: [里, 中]
    reason: 方位词
institutionSuffixes:
  - words: [小学, 中学]
    reason: 校名后缀
documentRefMarkers:
  - words: [里, 中]
    reason: 指文件
sourceMarkers:
  - words: [出处]
    reason: 出处行
eachMarkers:
  - words: [分别]
    reason: 分别问两方
localReferences:
  - words: [该县, 这个区]
    reason: 指文件所写的地方
localDocumentKinds:
  - words: [方案, 总结]
    reason: 地方文件
nationalReferences:
  - words: [国家, 优均, 整理稿]
    reason: 点名国家标准
documentPhrases:
  - words: [整改方案, 调研报告]
    reason: 点名文件
dependentStarts:
  - words: [若, 其中]
    reason: 接着上一句
mistaggedNouns:
  - words: [初中]
    reason: 分词器标成方位词
qualifiers:
  - words: [小学, 初中]
    reason: 学段只限定范围
alternatives:
  - sides: [[优质均衡, 优均], [基本均衡, 基均]]
    reason: 两项评估
adminLevels:
  - level: 区
    asked: [区里, 这个区, 该区]
    self: [我区, 全区]
    reason: 区一级
  - level: 县
    asked: [县里, 这个县, 该县]
    self: [我县, 全县]
    reason: 县一级
`,
    'units.yaml': `
- label: 生均
  forms: [生均, 每生]
  reason: 口径
- label: 每月
  forms: [每月, 每个月]
  reason: 口径
`,
    'asked-facts.yaml': `
- kind: time
  label: 时间
  evidence: ['\\d{4}年']
  reason: 年份
- kind: figure
  label: 具体数字
  evidence: ['\\d']
  reason: 数字
- kind: comparison
  label: 两方各自的规定
  evidence: ['.']
  reason: 比较
`,
    'measure-words.yaml': `
- words: [年, 个, 名, 间, 所]
  reason: 量词
`,
    'written-measures.yaml': `
- asked: [个]
  written: []
  reason: 通用量词
- asked: [名, 人]
  written: [人, 名]
  reason: 数人
`,
    'numeral-idioms.yaml': `
- words: [十分]
  reason: 程度副词
`,
    'pipeline.yaml': `
perChannel: 30
perChannelReason: 测试值
rrfK: 60
rrfKReason: 测试值
answerDepth: 5
answerDepthReason: 测试值
focusWindow: 60
focusWindowReason: 测试值
maxQuote: 120
maxQuoteReason: 测试值
maxQuotes: 2
maxQuotesReason: 测试值
secondQuoteShare: 0.9
secondQuoteShareReason: 测试值
relatedSentenceShare: 0.6
relatedSentenceShareReason: 测试值
maxQueryTerms: 12
maxQueryTermsReason: 测试值
maxTermShare: 0.2
maxTermShareReason: 测试值
ubiquitousShare: 0.6
ubiquitousShareReason: 测试值
levelSample: 200
levelSampleReason: 测试值
maxTermPostings: 4000
maxTermPostingsReason: 测试值
headingMaxLength: 24
headingMaxLengthReason: 测试值
typo:
  minLength: 2
  minLengthReason: 测试值
  maxLength: 5
  maxLengthReason: 测试值
  minCandidateDf: 3
  minCandidateDfReason: 测试值
  minCandidateShare: 0.02
  minCandidateShareReason: 测试值
  maxChangedRatio: 0.5
  maxChangedRatioReason: 测试值
  knownWordFreq: 3
  knownWordFreqReason: 测试值
  minLogGain: 2
  minLogGainReason: 测试值
  contextChars: 2
  contextCharsReason: 测试值
  vocabularyWordFreq: 100
  vocabularyWordFreqReason: 测试值
  maxReadingCombos: 32
  maxReadingCombosReason: 测试值
`,
  });
}
