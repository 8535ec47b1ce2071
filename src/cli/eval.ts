import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import { configSecrets, loadConfig } from '../config.js';
import { JunhengError } from '../errors.js';
import type { EvalMetrics } from '../eval/metrics.js';
import { answerServices } from '../chat/app.js';
import { pipelineLabel, runEval } from '../eval/run.js';
import { configuredEmbedder } from '../index/embedderChoice.js';
import { createLogger } from '../logger.js';

const collect = (value: string, previous: string[]) => [...previous, value];
const f = (x: number) => x.toFixed(3);

function metricsLines(m: EvalMetrics): string[] {
  return [
    `  questions ${m.questions} (answerable ${m.answerable}, unanswerable ${m.unanswerable})`,
    `  recall@1            ${f(m.recallAt1)}`,
    `  recall@5            ${f(m.recallAt5)}`,
    `  MRR@10              ${f(m.mrrAt10)}`,
    `  key facts stated    ${f(m.keyFacts)}   (answer contains every keyword)`,
    `  citation precision  ${f(m.citationPrecision)}`,
    `  refusal recall      ${f(m.refusalRecall)}   (unanswerable questions not answered)`,
    `  false-refusal rate  ${f(m.falseRefusalRate)}   (answerable questions not answered: partial or not found)`,
  ];
}

const program = new Command()
  .name('npm run eval --')
  .description('在语料文件夹上重建索引，用聊天所用的同一回答流程回答问题集里的每个问题，计算检索、拒答、关键事实和引用指标')
  .requiredOption('--corpus <dir>', '语料文件夹（可多次给出）', collect, [])
  .requiredOption('--questions <file>', '问题集（JSON Lines，格式同 ../shared/eval/dev.jsonl）')
  .option('--cv <k>', 'k 折交叉验证：每折用其余各折拟合权重和阈值，报告留出折上的指标', (v) => Number.parseInt(v, 10))
  .option('--explain', '在结果文件里写出每个问题各步骤的诊断信息，并在终端打印未答对的问题')
  .option('--out <file>', '每题一行的结果文件（默认写到临时文件夹）')
  .option('--checklists <dir>', '检查清单文件夹：指标问题按清单数据回答，和聊天一样（默认 CHECKLIST_DIR）')
  .action(async (opts: { corpus: string[]; questions: string; cv?: number; explain?: boolean; out?: string; checklists?: string }) => {
    try {
      if (opts.cv !== undefined && !(Number.isInteger(opts.cv) && opts.cv >= 2)) throw new JunhengError('--cv 应是不小于 2 的整数', `bad --cv ${opts.cv}`);
      const config = loadConfig(process.env);
      const checklistDir = opts.checklists ?? config.checklistDir;
      // Whatever pipeline the deployment configures (EMBEDDINGS_*, RERANK_*, LLM_*), so it measures its own models.
      const log = createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel, configSecrets(config));
      const services = answerServices(config, log);
      const embedder = await configuredEmbedder(config, log);
      const options = { embedder, reranker: services.reranker, writer: services.writer };
      const run = await runEval({ corpora: opts.corpus, questionsFile: opts.questions, cv: opts.cv, explain: opts.explain, checklistDir, ...options });
      const out = opts.out ?? path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'junheng-eval-out-')), 'results.jsonl');
      fs.writeFileSync(out, run.records.map((r) => JSON.stringify(r)).join('\n') + '\n');
      const lines: string[] = [pipelineLabel(options)];
      for (const r of run.reports) lines.push(`${r.label}:`, ...metricsLines(r.metrics));
      lines.push(
        `not first: ${run.misses.map((x) => `${x.id}@${x.rank ?? '-'}`).join(' ') || 'none'}`,
        `not answered though answerable: ${run.wrongRefusals.join(' ') || 'none'}`,
        `answered though unanswerable: ${run.missedRefusals.join(' ') || 'none'}`,
        `results: ${out}`,
      );
      if (opts.explain) {
        for (const r of run.records) {
          if (!run.misses.some((m) => m.id === r.id) && !run.wrongRefusals.includes(r.id) && !run.missedRefusals.includes(r.id)) continue;
          lines.push('', `${r.id} ${r.question} → ${r.status} rank ${r.rank ?? '-'}`, JSON.stringify(r.diagnostics));
        }
      }
      process.stdout.write(lines.join('\n') + '\n');
    } catch (e) {
      process.stderr.write(`${e instanceof JunhengError ? e.userMessage : String(e)}\n`);
      process.exitCode = 1;
    }
  });

await program.parseAsync();
