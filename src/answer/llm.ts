/**
 * Optional LLM answers (LLM_BASE_URL, LLM_MODEL): the extractive answer is
 * computed first, its passages and checklist facts are handed to the model,
 * and what the model writes is shown only after verifyGrounding accepts it.
 * A rejected answer is retried once with its problems named; after that, or
 * on any failure of the service, the extractive answer is shown unchanged.
 * Nothing unverified ever reaches the user.
 */
import type OpenAI from 'openai';
import { z } from 'zod';
import type { Logger } from '../logger.js';
import { failureReason, openAIClient, technicalLine, type RemoteServiceConfig } from '../remoteService.js';
import { answerMessages, materialsOf, retryMessages, saysNoAnswer, type ChatMessage } from './prompt.js';
import type { Answer, Answerer, Topic } from './types.js';
import type { NumberWords } from './numberTokens.js';
import { describeProblems, verifyGrounding } from './verify.js';

/** A chat model: one completion for a conversation. Throws ChatModelError when it has none to give. */
export interface ChatModel {
  /** What eval and bench print: the model id and the service's address. */
  readonly id: string;
  complete(messages: readonly ChatMessage[], signal: AbortSignal): Promise<string>;
}

/** The service gave no usable completion; `reason` is Chinese, `technical` carries no key. */
export class ChatModelError extends Error {
  constructor(
    readonly reason: string,
    technical: string,
  ) {
    super(technical);
    this.name = 'ChatModelError';
  }
}

const CompletionSchema = z.object({
  choices: z.array(z.object({ message: z.object({ content: z.string().nullable().optional() }) })).min(1),
});

export interface LlmSettings extends RemoteServiceConfig {
  timeoutMs: number;
}

/** An OpenAI-compatible /v1/chat/completions service (DeepSeek, Qwen, GLM, SiliconFlow, Ollama, vLLM …). */
export class OpenAIChatModel implements ChatModel {
  readonly id: string;
  private readonly client: OpenAI;

  constructor(private readonly settings: LlmSettings) {
    this.id = settings.model;
    // One retry inside the deadline: a 429 with a short Retry-After or a lost connection gets a second chance.
    this.client = openAIClient(settings, { timeoutMs: settings.timeoutMs, maxRetries: 1 });
  }

  async complete(messages: readonly ChatMessage[], signal: AbortSignal): Promise<string> {
    let raw: unknown;
    const deadline = `等待超过 ${Math.round(this.settings.timeoutMs / 1000)} 秒没有回应`;
    const call = this.client.chat.completions.create({ model: this.settings.model, messages: [...messages], temperature: 0 }, { signal });
    // The client's wait before a retry (Retry-After) does not watch the signal: the deadline is enforced here.
    // The race below reports the call's failure; this handler only keeps one that comes after the deadline from going unhandled.
    call.catch(() => undefined);
    const expired = new Promise<never>((_, reject) => {
      const fail = () => reject(new ChatModelError(deadline, 'chat completion: deadline passed'));
      if (signal.aborted) fail();
      else signal.addEventListener('abort', fail, { once: true });
    });
    try {
      raw = await Promise.race([call, expired]);
    } catch (e) {
      if (e instanceof ChatModelError) throw e;
      const reason = signal.aborted ? deadline : failureReason(e, this.settings.timeoutMs);
      if (reason === null) throw e;
      throw new ChatModelError(reason, technicalLine('chat completion failed', e, this.settings.apiKey));
    }
    const parsed = CompletionSchema.safeParse(raw);
    const content = parsed.success ? parsed.data.choices[0]!.message.content?.trim() : undefined;
    if (!content) throw new ChatModelError('返回的内容是空的', parsed.success ? 'chat completion: empty content' : `chat completion: unexpected shape: ${parsed.error.message}`);
    return content;
  }
}

/** What became of one LLM attempt at an answer, for the log and the eval. */
export type WriterOutcome = 'verified' | 'no_answer' | 'rejected' | 'failed' | 'skipped';

export class GroundedWriter {
  constructor(
    private readonly model: ChatModel,
    private readonly timeoutMs: number,
    /** Which numeral words state no figure (the lexicon's numeral-idioms.yaml), for the number check. */
    private readonly numberWords: NumberWords,
    private readonly log?: Logger,
  ) {}

  get modelId(): string {
    return this.model.id;
  }

  /**
   * The extractive answer rewritten by the model, verified; or the
   * extractive answer itself. A not_found answer gives the model nothing to
   * work from and is returned as it is.
   */
  async improve(extractive: Answer): Promise<Answer> {
    return (await this.attempt(extractive)).answer;
  }

  async attempt(extractive: Answer): Promise<{ answer: Answer; outcome: WriterOutcome }> {
    const materials = materialsOf(extractive);
    if (extractive.status === 'not_found' || materials.length === 0) return { answer: extractive, outcome: 'skipped' };
    // One deadline for both attempts: the user waits LLM_TIMEOUT_S at most, then reads the extractive answer.
    const signal = AbortSignal.timeout(this.timeoutMs);
    let messages = answerMessages(extractive.question, materials);
    for (let attempt = 1; attempt <= 2; attempt++) {
      let reply: string;
      try {
        reply = await this.model.complete(messages, signal);
      } catch (e) {
        if (!(e instanceof ChatModelError)) throw e;
        this.log?.warn({ model: this.model.id, reason: e.reason, detail: e.message }, 'llm unavailable: extractive answer shown');
        return { answer: extractive, outcome: 'failed' };
      }
      if (saysNoAnswer(reply)) {
        this.log?.info({ model: this.model.id, attempt }, 'llm: the passages do not answer');
        // The passages found stay as related reading, no longer presented as the answer.
        const answer: Answer = extractive.status === 'answered' && !extractive.facts?.length ? { ...extractive, status: 'partial', reason: { code: 'fact_missing', asked: { kind: 'model', label: '' } } } : extractive;
        return { answer, outcome: 'no_answer' };
      }
      const check = verifyGrounding(reply, materials, this.numberWords);
      if (check.ok) {
        this.log?.info({ model: this.model.id, attempt, sentences: check.sentences.length }, 'llm answer verified');
        return { answer: { ...extractive, written: { sentences: check.sentences, model: this.model.id } }, outcome: 'verified' };
      }
      this.log?.warn({ model: this.model.id, attempt, problems: describeProblems(check.problems) }, 'llm answer rejected');
      messages = retryMessages(messages, reply, check.problems);
    }
    return { answer: extractive, outcome: 'rejected' };
  }
}

/** An answerer whose answers the model rewrites, verified; the base answerer decides what is answerable. */
export function withWriter(base: Answerer, writer: GroundedWriter): Answerer {
  return {
    answer: async (question: string, topic?: Topic) => writer.improve(await base.answer(question, topic)),
  };
}
