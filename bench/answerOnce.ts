import { withWriter } from '../src/answer/llm.js';
import { AnswerPipeline } from '../src/answer/pipeline.js';
import { answerServices } from '../src/chat/app.js';
import { loadConfig } from '../src/config.js';
import { readQuestions } from '../src/eval/questions.js';
import { configuredEmbedder } from '../src/index/embedderChoice.js';
import { PassageIndex } from '../src/index/reader.js';

/** Answer latency on a built index, in a fresh process; prints JSON. */
const [indexDir, questionsFile, roundsArg] = process.argv.slice(2);
if (!indexDir || !questionsFile) throw new Error('usage: answerOnce INDEX_DIR QUESTIONS [ROUNDS]');
const rounds = Number(roundsArg ?? 3);
const questions = readQuestions(questionsFile).map((q) => q.question);

// Whatever the configuration names (EMBEDDINGS_*, RERANK_*, LLM_*): a deployment measures its own pipeline.
const config = loadConfig(process.env);
const embedder = await configuredEmbedder(config);
const services = answerServices(config);
let t = performance.now();
const index = PassageIndex.open(indexDir, embedder);
const pipeline = new AnswerPipeline(index, { reranker: services.reranker });
const answerer = services.writer ? withWriter(pipeline, services.writer) : pipeline;
const openMs = performance.now() - t;
await answerer.answer(questions[0]!); // warm: dictionaries and IDF tables loaded
// First round: each question's words are new to the per-term cache (what a user meets);
// later rounds repeat the questions and are reported apart.
const first: number[] = [];
const repeated: number[] = [];
for (let r = 0; r < rounds; r++) {
  for (const q of questions) {
    t = performance.now();
    await answerer.answer(q);
    (r === 0 ? first : repeated).push(performance.now() - t);
  }
}
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? 0;
};
process.stdout.write(
  `${JSON.stringify({
    passages: index.passageCount(),
    openMs,
    answers: first.length,
    p50: pct(first, 50),
    p95: pct(first, 95),
    max: Math.max(...first),
    repeatedP95: pct(repeated, 95),
    maxRssMB: process.resourceUsage().maxRSS / 1024,
  })}\n`,
);
