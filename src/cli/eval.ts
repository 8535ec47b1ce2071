import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import { JunhengError } from '../errors.js';
import { runEval } from '../eval/run.js';

const program = new Command()
  .name('npm run eval --')
  .description('在一个语料文件夹上重建索引，回答问题集里的每个问题，并计算检索与拒答指标')
  .requiredOption('--corpus <dir>', '语料文件夹')
  .requiredOption('--questions <file>', '问题集（JSON Lines，格式同 ../shared/eval/dev.jsonl）')
  .option('--out <file>', '每题一行的结果文件（默认写到临时文件夹）')
  .action(async (opts: { corpus: string; questions: string; out?: string }) => {
    try {
      const run = await runEval(opts.corpus, opts.questions);
      const out = opts.out ?? path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'junheng-eval-out-')), 'results.jsonl');
      fs.writeFileSync(out, run.records.map((r) => JSON.stringify(r)).join('\n') + '\n');
      const m = run.metrics;
      const f = (x: number) => x.toFixed(3);
      process.stdout.write(
        [
          `questions ${m.questions} (answerable ${m.answerable}, unanswerable ${m.unanswerable})`,
          `recall@1            ${f(m.recallAt1)}`,
          `recall@5            ${f(m.recallAt5)}`,
          `MRR@10              ${f(m.mrrAt10)}`,
          `refusal recall      ${f(m.refusalRecall)}   (unanswerable questions refused)`,
          `false-refusal rate  ${f(m.falseRefusalRate)}   (answerable questions refused)`,
          `not first: ${run.misses.map((x) => `${x.id}@${x.rank ?? '-'}`).join(' ') || 'none'}`,
          `wrongly refused: ${run.wrongRefusals.join(' ') || 'none'}; answered though unanswerable: ${run.missedRefusals.join(' ') || 'none'}`,
          `results: ${out}`,
        ].join('\n') + '\n',
      );
    } catch (e) {
      process.stderr.write(`${e instanceof JunhengError ? e.userMessage : String(e)}\n`);
      process.exitCode = 1;
    }
  });

await program.parseAsync();
