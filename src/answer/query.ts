/**
 * Question normalisation for search: how staff actually ask is mapped to how
 * the documents are written. Pure; the text shown to users is never changed.
 */

const DIGIT: Record<string, number> = { 零: 0, 〇: 0, 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9 };
const UNIT: Record<string, number> = { 十: 10, 百: 100, 千: 1000 };

/** Value of a Chinese numeral such as 三, 十二, 二十五, 一百零五, 两千, 一万二千; null if not one. */
export function chineseNumeralValue(s: string): number | null {
  if (!s || !/^[零〇一二两三四五六七八九十百千万]+$/u.test(s)) return null;
  let total = 0;
  let section = 0;
  let digit: number | null = null;
  for (const ch of s) {
    if (ch in DIGIT) {
      digit = DIGIT[ch]!;
    } else if (ch in UNIT) {
      section += (digit ?? 1) * UNIT[ch]!;
      digit = null;
    } else if (ch === '万') {
      total += (section + (digit ?? 0)) * 10000;
      section = 0;
      digit = null;
    }
  }
  return total + section + (digit ?? 0);
}

/** Units after which a Chinese numeral is a quantity the documents write in digits. */
const QUANTITY_UNITS = '年|个|人|名|元|万元|亿元|间|所|套|台|册|平方米|学时|小时|分钟|天|周|次|项|班|节|倍|岁';
const NUMERAL = '[零〇一二两三四五六七八九十百千万]+';
const QUANTITY = new RegExp(`(?<![第])(${NUMERAL})(?=(?:${QUANTITY_UNITS}))`, 'gu');
const PERCENT = new RegExp(`百分之(${NUMERAL})`, 'gu');

/** 百分之九十五 → 95%, 三年 → 3年, 十二个班 → 12个班; ordinals (第三篇) and words (一体化) stay. */
export function arabicQuantities(text: string): string {
  return text
    .replace(PERCENT, (m, n: string) => {
      const v = chineseNumeralValue(n);
      return v === null ? m : `${v}%`;
    })
    .replace(QUANTITY, (m, n: string) => {
      const v = chineseNumeralValue(n);
      return v === null ? m : String(v);
    });
}

/**
 * Everyday words → the documents' words. The document word is added to the
 * query (the everyday word stays), so a passage using either still matches.
 */
export const SYNONYMS: Readonly<Record<string, readonly string[]>> = {
  老师: ['教师'],
  教员: ['教师'],
  钱: ['经费', '资金'],
  经费: ['资金'],
  拨款: ['经费', '拨付'],
  孩子: ['学生', '儿童'],
  娃: ['学生', '儿童'],
  小孩: ['学生', '儿童'],
  电脑: ['计算机'],
  操场: ['运动场', '体育运动场馆'],
  运动场: ['体育运动场馆'],
  体育馆: ['体育运动场馆'],
  工资: ['待遇'],
  待遇: ['工资'],
  上学: ['入学', '就学'],
  乡村: ['农村'],
  农村: ['乡村'],
  县里: ['县', '全县'],
  农民工: ['进城务工人员'],
  外来务工: ['进城务工人员'],
  随迁: ['随迁子女'],
  留守: ['留守儿童'],
  轮岗: ['交流'],
  交流: ['轮岗'],
  辍学: ['控辍保学', '巩固率'],
  残疾: ['残疾儿童少年', '特殊教育'],
  多媒体: ['班班通', '信息化'],
  班班通: ['多媒体'],
  大班额: ['班额'],
  校舍: ['校舍面积', '建筑面积'],
  培训: ['培训经费', '继续教育'],
  考核: ['考评', '评估'],
  督导: ['督导评估'],
  学历: ['学历达标率'],
  带头人: ['学科带头人'],
  骨干: ['骨干教师'],
  跟踪: ['监测', '督查'],
  下乡: ['农村', '乡村'],
  检查: ['督查', '督导'],
  // How thresholds are asked vs written: 最少/至少 ↔ 不低于/不少于/以上, 最多 ↔ 不超过/以内.
  最少: ['不低于', '不少于', '以上'],
  至少: ['不低于', '不少于', '以上'],
  最低: ['不低于', '不少于', '以上'],
  最多: ['不超过', '以内', '以下'],
  最高: ['不超过', '以内'],
  上限: ['不超过', '以内'],
  下限: ['不低于', '不少于'],
  比例: ['%', '比率'],
  睡觉: ['睡眠'],
  卖地: ['土地出让'],
  通车: ['交通'],
  每个月: ['每月'],
  一个班: ['每班', '班额'],
  住校: ['寄宿'],
  新老师: ['新教师', '新入职'],
  新来: ['新入职', '新教师'],
};

/** Words that ask rather than say: they never appear in the answer passage. */
const QUESTION_WORDS = [
  '什么', '多少', '多大', '多长', '多久', '几个', '几项', '几年', '哪些', '哪个', '哪项', '哪里', '哪儿', '怎么样', '怎么', '怎样',
  '如何', '是否', '有没有', '能不能', '可不可以', '为什么', '为何', '吗', '呢', '吧', '啊', '请问', '一下', '具体', '到底',
  '一共', '总共', '共计', '总计', '大概', '大约', '啥', '咋', '几', '哪',
];

/** The question's own words for search: NFKC, lower case, quantities in digits, question words and punctuation dropped. */
export function plainQuery(question: string): string {
  let q = arabicQuantities(question.normalize('NFKC').toLowerCase());
  for (const w of QUESTION_WORDS) q = q.replaceAll(w, ' ');
  return q.replace(/[？?！!。，,、；;：:“”"'（）()\s]+/gu, ' ').trim();
}

/** The document words for everyday words found in a text (not already in it). */
export function synonymsIn(text: string): string[] {
  const extra = new Set<string>();
  for (const [word, canon] of Object.entries(SYNONYMS)) {
    if (text.includes(word)) for (const c of canon) if (!text.includes(c)) extra.add(c);
  }
  return [...extra];
}

/** The question as it is searched: its plain words plus the documents' words for its everyday words. */
export function searchQuery(question: string): string {
  const q = plainQuery(question);
  return [q, ...synonymsIn(q)].join(' ').trim();
}
