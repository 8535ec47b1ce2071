/** Everything the chat says that is not quoted from a document. */
export const EXAMPLE_QUESTIONS = [
  '小学每百名学生拥有县级以上骨干教师数要达到多少？',
  '初中生均体育运动场馆面积要达到多少？',
  '优质均衡对校际差异系数有什么要求？',
];

export const WELCOME = [
  '您好！我是「均衡」，帮您查阅义务教育均衡发展的政策文件。',
  '直接输入问题即可，我会引用文件原文并注明出处（文件 · 章节 · 页码）；文件里没有的，我会如实告诉您。',
  '',
  '刚接触均衡评估？点下面的“了解评估”从头学起。',
  '',
  '可以这样问：',
  ...EXAMPLE_QUESTIONS.map((q) => `· ${q}`),
].join('\n');

export const HELP = [
  '使用说明（回答只引用文件原文；每段引文后的 [1][2] 对应下面列出的出处，点“查看原文”可看完整段落）：',
  '· 直接输入问题，例如“学校的培训经费最少要占公用经费的多少？”',
  '· /learn 了解评估：一步步弄懂基本均衡、优质均衡和差异系数，最后有小测验',
  '· /checklist 对照优质均衡指标自查（学校自查或县域评估），进度自动保存',
  '· /report 查看自查报告，/reset 清除自查进度重新开始',
  '· /sources 查看已收录的文件',
  '· /start 回到首页；有没做完的自查或学习时，可以从那里接着做',
  '· /help 显示本说明',
].join('\n');

/** The terminal chat's own command, added to /help there (Telegram has no /quit). */
export const HELP_TERMINAL = '· /quit 退出对话（也可以输入“退出”或 /exit），进度都已保存';

export const EMPTY_QUESTION = '请输入您的问题，例如：“初中生均体育运动场馆面积要达到多少？”';
export const MAX_QUESTION_CHARS = 300;
export const TOO_LONG = `问题太长了，请精简到 ${MAX_QUESTION_CHARS} 字以内，一次问一件事。`;
/** Greetings and "who are you": answered with the welcome, not searched (the documents would only yield a stray passage). */
export const GREETING = /^(?:你好|您好|大家好|嗨|哈喽|hello|hi|在吗|在不在|你是谁|您是谁|你是什么|你能做什么|你会什么|能做什么|怎么用|咋用)[呀啊吗呢哈！!。.~～？?\s]*$/iu;
/** Thanks and goodbyes: a short reply. */
export const THANKS = /^(?:谢谢|谢谢你|谢谢您|多谢|谢了|感谢|好的|好|嗯|嗯嗯|ok|okay|再见|拜拜)[呀啊了哈！!。.~～\s]*$/iu;
export const YOU_ARE_WELCOME = '不客气！还有问题随时问我；发送 /help 查看用法。';

export const NOT_A_QUESTION = '请用文字输入问题，例如：“小学生均教学仪器设备值要达到多少？”';
export const NO_SUCH_CHOICE = '没有这个选项，请看上面列出的字母，或直接输入问题。';
export const FILE_WITHOUT_CHECKLIST = '收到文件。如果这是全县学校数据表，请先发送 /checklist 并选择“县域评估”，再发送文件。';
export const UNKNOWN_COMMAND = '没有这个命令。输入 /help 查看可用的命令，或直接输入问题。';
export const PASSAGE_GONE = '这段原文已不在当前索引中（文件可能已更新），请重新提问。';
export const NO_DOCUMENTS = '还没有收录任何文件。';

/** The answer view (answerView.ts): everything said around the quotes. */
export const ANSWER = {
  /** Lead of quotes that are all from policy documents. */
  leadDocument: '根据文件原文：',
  /** Facts from the checklist data (the national standards, each with its source). */
  leadData: '按国家督导评估标准（每条注明出处）：',
  leadDataUnverified: '按整理的督导评估指标（以下各项未经核实，不一定是国家原文的规定，每条注明出处）：',
  /** Typed words read as the documents' words (差异系树 → 差异系数). */
  understood: (pairs: readonly { from: string; to: string }[]) => `（按“${pairs.map((p) => p.to).join('”“')}”查找，您输入的是“${pairs.map((p) => p.from).join('”“')}”）`,
  /** An LLM's answer, shown only after every sentence, number and quote was checked against the sources. */
  leadWritten: '根据下列出处整理（每句的数字都已与原文核对）：',
  writtenQuotes: '原文：',
  writtenFacts: '督导评估指标：',
  noStandard: '督导评估指标里没有写明您问的内容，相关的规定是：',
  unverified: '（此项未经核实，请以原文为准）',
  related: '相关原文：',
  checklistButton: '对照全部指标做一次自查',
  uncovered: (what: string) => `自查清单的数据只包括义务教育阶段小学、初中的国家标准，没有「${what}」的标准，这里不能拿别的标准套用。`,
  /** Lead of quotes that are all from the project's restatement of the national standards. */
  leadRestatement: '根据本项目整理的国家标准（整理稿，请以原文为准）：',
  /** Lead of quotes from both; each quote then says which it is. */
  leadMixed: '根据文件原文和本项目的整理稿（整理稿请以原文为准）：',
  /** Per-quote labels when documents and the restatement are quoted together. */
  quoteDocument: '原文：',
  quoteRestatement: '整理稿：',
  sources: '出处：',
  /** partial: the documents speak of the topic but do not state the asked fact. */
  partial: (asked: string | null) => (asked ? `文件谈到了这个话题，但没有写明您问的${asked}。` : '文件谈到了这个话题，但没有直接回答您的问题。'),
  partialDocument: '相关原文：',
  partialRestatement: '相关内容（本项目整理的国家标准，请以原文为准）：',
  partialMixed: '相关内容（整理稿请以原文为准）：',
  /** not_found, no_match. */
  noMatch: '文件里没有找到能回答这个问题的内容。可以换个说法再问，或确认相关文件已经放进语料库。',
  /** not_found, scope_missing: the question names a place, school or document no passage speaks of. */
  scopeMissing: (missing: readonly string[]) =>
    `文件里没有关于${missing.map((m) => `「${m}」`).join('、')}的内容，无法回答这个问题。可以去掉这个限定再问，或确认相关文件已经放进语料库。`,
  askedUnit: (units: string) => `按${units}计的数字`,
  askedYear: (years: string) => `${years}年的情况`,
  askedItems: (items: string) => `${items}（找到的段落里没有这样编号的条目）`,
  askedScope: (names: string) => `「${names}」的情况（找到的段落讲的是别处）`,
  /** partial: key words of the question that no passage holds (校医). */
  partialUnknown: (words: string) => `收录的文件里没有出现「${words}」这个说法，找不到您问的内容；可以换个说法再问。下面是最接近的`,
  /** not_found with the asked kind of fact missing everywhere. */
  factMissing: (asked: string) => `文件里没有写明您问的${asked}。可以换个说法再问，或确认相关文件已经放进语料库。`,
  /** not_found, off_topic: nothing in the documents speaks of what was asked (明天天气怎么样). */
  offTopic: '收录的文件讲的是义务教育均衡发展（办学条件、教师配备、经费、督导评估等），没有涉及您问的内容。可以这样问：',
  /** not_found, no_topic: the question names nothing to look for (有什么要求？). */
  noTopic: (topics: readonly string[]) => `您想问哪方面的要求？比如${topics.map((t) => `「${t}」`).join('、')}。`,
  noTopicHint: `把要问的内容写进问题里再问一次，例如：“${EXAMPLE_QUESTIONS[1]}”`,
  closest: '下面这些章节比较接近，可以看看：',
  viewButton: (n: number) => `查看原文 [${n}]`,
  lookButton: (section: string) => `看看：${section}`,
} as const;

/** Topics offered on a question without one, when the closest sections give too few. */
export const EXAMPLE_TOPICS = ['骨干教师配置', '生均体育运动场馆面积', '校际差异系数'];
/** Buttons show at most this many characters. */
export const MAX_BUTTON_CHARS = 40;

/** Said above /sources while this instance is still taking in documents uploaded on another one. */
export function corpusCatchingUp(indexedVersion: number, databaseVersion: number): string {
  const where = indexedVersion > 0 ? `已同步到第 ${indexedVersion} 版，最新第 ${databaseVersion} 版` : `最新第 ${databaseVersion} 版，本机还在第一次同步`;
  return `资料库有更新，本机正在同步（${where}），下面是目前可查的文件；同步完成后会包括新文件。`;
}
