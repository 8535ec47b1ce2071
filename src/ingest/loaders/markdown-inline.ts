/**
 * Removes inline Markdown markup and keeps the words: images go, links keep their text,
 * emphasis and code markers go. Backslash escapes are honoured so `\*` stays a star.
 */
export function stripInlineMarkdown(text: string): string {
  const escapes: string[] = [];
  // Park escaped characters so no rule below treats them as markup.
  let out = text.replace(/\\([\\`*_{}[\]()#+\-.!|~<>])/g, (_m, ch: string) => {
    escapes.push(ch);
    return `\u0000${escapes.length - 1}\u0000`;
  });

  out = out
    .replace(/`+([^`]*?)`+/g, '$1')
    .replace(/!\[[^\]]*\]\([^)]*\)/g, '')
    .replace(/!\[[^\]]*\]\[[^\]]*\]/g, '')
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/\[([^\]]+)\]\[[^\]]*\]/g, '$1')
    .replace(/<((?:https?|ftp|mailto):[^>\s]+)>/gi, '$1')
    .replace(/(\*\*|__)(?=\S)([\s\S]*?\S)\1/g, '$2')
    .replace(/~~(?=\S)([\s\S]*?\S)~~/g, '$1')
    .replace(/(^|[^*\w])\*(?=[^\s*])([^*]*?[^\s*])\*(?!\*)/g, '$1$2')
    // Unpaired leftovers of bold markers carry no meaning for retrieval.
    .replace(/\*\*|__/g, '');

  return out.replace(/\u0000(\d+)\u0000/g, (_m, n: string) => escapes[Number(n)] ?? '');
}
