import { endsSentence } from './chars.js';

/**
 * Recognisers for the junk that document-sharing sites wrap around scraped
 * policy texts. Each one keys on something a policy text never says (site
 * names, QQ numbers, paywall counters, "本站"), so real text is not at risk.
 */

/** Document-sharing sites whose name in a line marks it as site chrome. */
const SITE_NAMES = /淘文阁|taowenge|快文网|fanwy|原创力|book118|道客巴巴|doc88|豆丁网|docin|人人文库|renrendoc|文库网/i;

const JUNK_LINE_PATTERNS: readonly RegExp[] = [
  SITE_NAMES,
  /Q\s*Q\s*[:：号]?\s*\d{5,}/i,
  // Nation-wide service numbers used by the sites' complaint lines.
  /(?<!\d)400[-\s]?\d{3}[-\s]?\d{4}(?!\d)/,
  /会员\s*(?:分享|可|阅读|下载|专享|免费)|(?:正式|注册|开通)\s*会员|VIP/i,
  /全文共\s*\d+\s*字|当前只显示\s*\d+\s*字|省略\s*\d+\s*字/,
  /本文档共\s*\d+\s*页|本站|网站大量收购|侵权必究|版权申诉|二次下载|付费下载/,
  /领域文档为创作者|创作者个人分享|该用户很懒/,
  /^(?:实名认证|内容提供者|查看更多|相关文档|收藏本文|分享到)\s*$/,
  /^(?:上一篇|下一篇|相关栏目|相关阅读|相关文章)\s*[:：]/,
  // "a105776456 + 关注": a follow button next to the uploader's name.
  /\+\s*关注\s*$/,
  // "限制150内": a comment box's length hint.
  /^限制\s*\d+\s*(?:字\s*)?内$/,
];

/** A whole line that is site chrome (after inline junk has been cut out). */
export function isJunkLine(text: string): boolean {
  const t = text.trim();
  return t !== '' && JUNK_LINE_PATTERNS.some((p) => p.test(t));
}

/** Markdown images (`![资源得分](/images/score_1.gif)`) carry no text. */
export function removeImageLinks(text: string): string {
  return text.replace(/!\[[^\]\n]*\]\([^)\n]*\)/g, '');
}

/**
 * A paywall note: an opening bracket whose content announces omitted text
 * ("省略994字", "全文共5368字", "未完", "会员可完整阅读"), with any "……" around it.
 */
// "未完" only as the paywall's own word ("(未完,全文共…"), not "（未完成整改的）".
const PAYWALL_OPEN = /(?:…|\.{3})*\s*[（(][^（()）]*?(?:省略\s*\d+\s*字|全文共\s*\d+\s*字|会员可|未完(?:待续)?\s*[,，）)])/;

/** How far back from a paywall note the last clause break is looked for. */
const CUT_CLAUSE_MAX = 40;

/**
 * The text a site cut off at a paywall note: its unfinished last clause goes (社会认可度达到8 is no figure, the
 * site dropped what followed the 8), and "……" marks where text is missing. A text ending a sentence keeps it all.
 */
function cutOff(before: string): string {
  const text = before.trimEnd();
  if (text === '') return '';
  if (endsSentence(text)) return `${text}……`;
  const tail = text.slice(-CUT_CLAUSE_MAX);
  const breakAt = Math.max(...[...'，,、：:。！？；;!?'].map((c) => tail.lastIndexOf(c)));
  return `${breakAt < 0 ? text : text.slice(0, text.length - tail.length + breakAt + 1)}……`;
}

/**
 * Cuts a paywall note out of a line and keeps the document text before it, without the clause the site
 * cut short. If the note closes, text after it is kept too; if not, the rest of the line is site chrome
 * ("请阅读下面提示信息。收藏…") and goes.
 */
export function cutPaywallNote(text: string): string {
  const m = PAYWALL_OPEN.exec(text);
  if (!m) return text;
  const before = cutOff(text.slice(0, m.index));
  const rest = text.slice(m.index + m[0].length);
  const close = /[）)]/.exec(rest);
  if (!close) return before;
  const after = rest.slice(close.index + 1).replace(/^\s*(?:…|\.{3})*/, '');
  return (before + after).trimEnd();
}

/** Cuts every inline piece of junk out of a line, keeping the real text. */
export function removeInlineJunk(text: string): string {
  return cutPaywallNote(removeImageLinks(text));
}

/** "更多相关文章：…" starts a list of links to other articles. */
export function startsRelatedList(text: string): boolean {
  return /^\s*(?:更多相关(?:文章|文档|阅读|内容)|相关文章推荐|猜你喜欢|热门推荐)/.test(text);
}

/** A bullet line ("• 标题"), as used by related-article lists. */
export function bulletContent(text: string): string | null {
  const m = /^\s*[•·●◆▪■]\s*(.*)$/.exec(text);
  return m ? (m[1] ?? '') : null;
}

/** "- 配套讲稿:", "- 特殊限制:", "- 关 键 词:": a download page's metadata section. */
export function startsMetaSection(text: string): boolean {
  // "关键词：" alone also heads real papers, so it counts only in the bulleted form.
  return (
    /^\s*[-•·*]?\s*(?:配\s*套\s*讲\s*稿|特\s*殊\s*限\s*制)\s*[:：]/.test(text) ||
    /^\s*[-•·*]\s*(?:关\s*键\s*词|文\s*档\s*标\s*签)\s*[:：]/.test(text)
  );
}

/** "文档评论(0)": everything from here on is the comment and recommendation area. */
export function startsCommentTail(text: string): boolean {
  return /^\s*(?:文档评论|网友评论|发表评论)\s*[（(]\s*\d+\s*[）)]/.test(text);
}
