/** List-item markers of Chinese documents: 第三条, 一、, （二）, (3), 4. 4、, ①. */
export const ITEM_MARKER = /(?:第[一二三四五六七八九十百]+[篇章节条]|[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]{1,3}[)）]|\d{1,2}[、．](?!\d)|[①-⑳])/u;

/** Every list-item marker in a text ((3) numbers an item; it states no figure). */
export const ITEM_MARKERS = new RegExp(ITEM_MARKER.source, 'gu');
