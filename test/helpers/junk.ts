/** Scrape junk that must not survive cleaning: site names, ads, paywall notes, navigation. */
export const JUNK_MARKERS: readonly string[] = [
  '淘文阁',
  '快文网',
  '原创力',
  'book118',
  'QQ',
  '400-050',
  '![',
  '](',
  '会员',
  '全文共',
  '上一篇',
  '下一篇',
  '文档评论',
];
