import readline from 'node:readline/promises';
import { loadConfig } from '../config.js';
import { JunhengError } from '../errors.js';
import { scanCorpus } from '../ingest/scan.js';
import { LocalHashEmbeddings } from '../index/embedder.js';
import { staleReason } from '../index/freshness.js';
import { hybridSearch } from '../index/hybrid.js';
import { PassageIndex } from '../index/reader.js';
import { createLogger } from '../logger.js';
import { summaryText } from './ingestReport.js';
import { ingestWithProgress } from './runIngest.js';

/**
 * Terminal entry point: brings the index up to date with the corpus, then a
 * search prompt over it. (The cited-answer chat engine replaces the prompt
 * loop in the "Ask" issue; this shows the passages it will answer from.)
 */
async function main(): Promise<void> {
  const config = loadConfig();
  const log = createLogger(config.logLevel);
  const embedder = new LocalHashEmbeddings();
  const dirs = [config.corpusDir];

  const reason = staleReason(config.indexDir, dirs, embedder);
  if (reason) {
    if (scanCorpus(dirs).length === 0) {
      process.stdout.write(`语料文件夹 ${config.corpusDir} 里还没有文件。请放入 PDF、DOCX、TXT 或 Markdown 文件后再运行 npm start。\n`);
      return;
    }
    process.stdout.write(`${reason}，正在建立索引……\n`);
    const summary = await ingestWithProgress({ dirs, indexDir: config.indexDir, embedder, maxFileBytes: config.maxFileBytes }, log);
    process.stdout.write(`${summaryText(summary)}\n`);
  }

  const index = PassageIndex.open(config.indexDir, embedder);
  const docs = index.documents();
  process.stdout.write(
    `均衡 · 义务教育政策文件检索（已收录 ${docs.length} 个文件，${index.passageCount()} 段）\n` +
      '输入问题查看最相关的原文段落；/sources 查看文件列表；/quit 退出。\n',
  );
  const rl = readline.createInterface({ input: process.stdin, output: process.stdout, terminal: process.stdin.isTTY });
  rl.setPrompt('问题> ');
  rl.prompt();
  for await (const raw of rl) {
    const line = raw.trim();
    if (line === '/quit' || line === '/exit') break;
    if (line === '/sources') {
      for (const d of docs) process.stdout.write(`· ${d.title}（${d.source}，${d.passageCount} 段）\n`);
    } else if (line) {
      const hits = await hybridSearch(index, line, 3);
      if (hits.length === 0) process.stdout.write('没有找到相关段落。\n');
      hits.forEach(({ passage: p }, i) => {
        const where = [p.title, p.sectionPath.at(-1), p.page ? `第${p.page}页` : undefined].filter(Boolean).join(' · ');
        const text = p.text.length > 300 ? `${p.text.slice(0, 300)}……` : p.text;
        process.stdout.write(`[${i + 1}] ${where}\n    ${text}\n`);
      });
    }
    rl.prompt();
  }
  rl.close();
  index.close();
}

main().catch((e: unknown) => {
  if (e instanceof JunhengError) process.stderr.write(`${e.userMessage}\n`);
  else process.stderr.write(`出错了：${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
});
