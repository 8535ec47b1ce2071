/**
 * What an LLM is given and told (Chinese): the extractive answer's passages
 * numbered [1]…[n], the checklist facts after them, and the rules the
 * verification (verify.ts) will hold it to. Pure.
 */
import type { Answer } from './types.js';
import { describeProblems, type GroundingProblem, type Material } from './verify.js';

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/** The model's whole reply when the materials do not answer the question. */
export const NO_ANSWER = '材料没有回答这个问题';

/** Passages first (mark = citation index + 1), then the checklist facts with the rule each comes from. */
export function materialsOf(answer: Answer): Material[] {
  const passages: Material[] = answer.citations.map((c, i) => ({ mark: i + 1, kind: 'passage', title: c.title, text: c.text }));
  const facts: Material[] = (answer.facts ?? []).map((f, i) => ({
    mark: answer.citations.length + i + 1,
    kind: 'fact',
    title: f.source ?? '自查清单的计算',
    // The rule's 文号 and title are part of what may be cited.
    text: f.source ? `${f.text}（依据：${f.source}）` : f.text,
  }));
  return [...passages, ...facts];
}

const SYSTEM = [
  '你是“均衡”，帮学校和教育督导人员查阅义务教育均衡发展政策文件的助手。',
  '只能根据用户给出的编号材料回答，不能用材料以外的知识。',
  '规则：',
  '1. 用简短的中文句子直接回答问题，最多 5 句；不要标题、不要列表符号。',
  '2. 每一句话的末尾都标出它依据的材料编号，例如“……不少于96平方米[1]。”；只能用给出的编号。',
  '3. 句子里的每个数字、百分比、日期、金额、文号都必须在它所标注的材料里出现过，不能自己计算新的数字，也不能换算单位。',
  '4. 引号里的文字必须与材料原文一字不差；书名号《》里只能写材料里出现过的文件名。',
  '5. 材料说的是某个县、某份方案自己的做法时，要说明是谁的做法，不要说成国家标准。',
  `6. 如果材料没有回答这个问题，只回复：${NO_ANSWER}`,
].join('\n');

function materialBlock(m: Material): string {
  const label = m.kind === 'passage' ? `文件《${m.title}》原文` : '自查清单数据';
  return `[${m.mark}]（${label}）\n${m.text}`;
}

export function answerMessages(question: string, materials: readonly Material[]): ChatMessage[] {
  const user = ['材料：', ...materials.map(materialBlock), '', `问题：${question}`].join('\n');
  return [
    { role: 'system', content: SYSTEM },
    { role: 'user', content: user },
  ];
}

/** The conversation once more, with the rejected reply and what was wrong with it. */
export function retryMessages(previous: readonly ChatMessage[], reply: string, problems: readonly GroundingProblem[]): ChatMessage[] {
  return [
    ...previous,
    { role: 'assistant', content: reply },
    { role: 'user', content: `上面的回答没有通过核对：\n${describeProblems(problems)}\n请只根据材料重写，遵守全部规则；材料没有回答时只回复：${NO_ANSWER}` },
  ];
}

/** The model says the materials do not answer: its whole reply is NO_ANSWER (give or take punctuation). */
export function saysNoAnswer(reply: string): boolean {
  return reply.replace(/[\s。.!！"“”]/gu, '') === NO_ANSWER;
}
