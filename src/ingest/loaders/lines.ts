/**
 * Splits text into physical lines: CRLF and lone CR count as one break, and a final line
 * end does not create an extra empty line (so `lines.join('\n')` is the text minus that end).
 */
export function splitLines(text: string): string[] {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}
