import { Command } from 'commander';
import { configSecrets, loadConfig } from '../config.js';
import { JunhengError } from '../errors.js';
import { configuredEmbedder } from '../index/embedderChoice.js';
import { createLogger } from '../logger.js';
import { NothingIndexedError } from '../ingest/pipeline.js';
import { outcomeLine, summaryText } from './ingestReport.js';
import { ingestWithProgress } from './runIngest.js';

const program = new Command()
  .name('npm run ingest --')
  .description('把文件夹里的 PDF、DOCX、TXT、Markdown 文件建成检索索引')
  .argument('[dirs...]', '语料文件夹（默认 CORPUS_DIR，即 corpus/）')
  .action(async (dirs: string[]) => {
    const config = loadConfig();
    const log = createLogger(config.logLevel, configSecrets(config));
    try {
      const embedder = await configuredEmbedder(config, log);
      const summary = await ingestWithProgress(
        { dirs: dirs.length > 0 ? dirs : [config.corpusDir], indexDir: config.indexDir, embedder, maxFileBytes: config.maxFileBytes },
        log,
      );
      process.stdout.write(`${summaryText(summary)}\n`);
    } catch (e) {
      if (e instanceof NothingIndexedError) {
        for (const o of e.outcomes) process.stderr.write(`${outcomeLine(o)}\n`);
        process.stderr.write(`${e.userMessage}\n`);
      } else if (e instanceof JunhengError) {
        process.stderr.write(`${e.userMessage}\n`);
        log.debug({ err: e }, '建立索引失败');
      } else {
        process.stderr.write('建立索引失败，旧索引保持不变。\n');
        log.error({ err: e }, '建立索引失败');
      }
      process.exitCode = 1;
    }
  });

await program.parseAsync();
