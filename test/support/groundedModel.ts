import { reply, type RecordedRequest, type Reply } from './openaiServer.js';

/**
 * A scripted model that answers with the first sentence of material [1] of
 * the prompt, cited: grounded by construction, as a well-behaved LLM would.
 */
export function firstSentenceOfMaterialOne(request: RecordedRequest): Reply {
  const body = request.body as { messages: { role: string; content: string }[] };
  const user = body.messages.filter((m) => m.role === 'user')[0]!.content;
  const material = /\[1\]（[^）]*）\n([^\n]+)/u.exec(user)?.[1] ?? '';
  const sentence = material.split(/(?<=[。；])/u)[0]!.replace(/[。；]$/u, '');
  return reply.chat(`${sentence}[1]。`);
}
