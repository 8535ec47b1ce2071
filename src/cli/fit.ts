import fs from 'node:fs';
import { Command } from 'commander';
import { DEFAULT_TUNING_FILE, serialiseTuning } from '../answer/tuning.js';
import { JunhengError } from '../errors.js';
import { fitTuning, startTuning } from '../eval/fit.js';
import { readQuestions } from '../eval/questions.js';
import { prepareQuestions, withEvalIndex } from '../eval/run.js';

/** False refusals the threshold may cause on the training questions: below the 5 % allowed on held-out folds, for margin. */
const TARGET_FALSE_REFUSAL = 0.03;

const collect = (value: string, previous: string[]) => [...previous, value];

const program = new Command()
  .name('npm run fit --')
  .description('在训练问题集上拟合排序权重和可答性阈值，写入 corpus/lexicon/tuning.json（同样的数据得到同样的文件）')
  .option('--corpus <dir>', '语料文件夹（可多次给出）', collect, [])
  .option('--questions <file>', '训练问题集', '../shared/eval/train.jsonl')
  .option('--out <file>', '调参文件', DEFAULT_TUNING_FILE)
  .action(async (opts: { corpus: string[]; questions: string; out: string }) => {
    try {
      const corpora = opts.corpus.length > 0 ? opts.corpus : ['../shared/seeds', 'corpus'];
      const questions = readQuestions(opts.questions);
      const tuning = await withEvalIndex(corpora, async (pipeline) => {
        const prepared = await prepareQuestions(pipeline, questions);
        return fitTuning(
          prepared.map((p) => ({ id: p.q.id, answerable: p.q.answerable, prepared: p.prepared, hits: p.hits })),
          pipeline.lexicon,
          {
            targetFalseRefusal: TARGET_FALSE_REFUSAL,
            questionsLabel: opts.questions.split('/').slice(-2).join('/'),
            note: `npm run fit over ${corpora.join(' + ')}; rerun it after changing the lexicon or the features`,
          },
        );
      }, { tuning: startTuning() });
      fs.writeFileSync(opts.out, serialiseTuning(tuning));
      process.stdout.write(`已写入 ${opts.out}：可答性阈值 ${tuning.answerability.threshold}\n`);
    } catch (e) {
      process.stderr.write(`${e instanceof JunhengError ? e.userMessage : String(e)}\n`);
      process.exitCode = 1;
    }
  });

await program.parseAsync();
