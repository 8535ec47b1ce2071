/**
 * npm run assess -- FILE [--json]
 * Assesses a county's school table (.csv / .xlsx) against the 优质均衡
 * 资源配置 indicators. Exit 0 when the file could be assessed (whatever the
 * verdict), 1 when it cannot be read or no row is usable.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Command, CommanderError } from 'commander';
import { JunhengError } from '../errors.js';
import { assessCounty, countyJson, countyReportText } from '../checklist/county.js';
import { checklistById, loadChecklists } from '../checklist/load.js';
import { readSchoolTable } from '../checklist/spreadsheet.js';

const CHECKLIST_ID = 'youzhi-2017-resource';

function readBytes(file: string): Buffer {
  try {
    return fs.readFileSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? '找不到这个文件' : code === 'EISDIR' ? '这是一个文件夹，不是文件' : code === 'EACCES' ? '没有读取权限' : '无法读取';
    throw new JunhengError(`${why}：${file}`, `cannot read ${file}: ${code ?? String(e)}`, { cause: e });
  }
}

const program = new Command()
  .name('npm run assess --')
  .description('按优质均衡资源配置指标评估全县学校数据表（CSV 或 Excel .xlsx）')
  .argument('<file>', '学校数据表：第一行表头，每所学校一行')
  .option('--json', '输出 JSON（数值不四舍五入）')
  .action(async (file: string, opts: { json?: boolean }) => {
    try {
      const table = await readSchoolTable(readBytes(file), path.basename(file));
      const checklist = checklistById(loadChecklists(), CHECKLIST_ID);
      const assessment = assessCounty(table, checklist);
      if (opts.json) process.stdout.write(`${JSON.stringify(countyJson(assessment), null, 2)}\n`);
      else process.stdout.write(`${countyReportText(assessment, checklist)}\n`);
      if (assessment.schools.length === 0) {
        // The report (or JSON) above lists each rejected row and its reasons.
        process.stderr.write(`「${path.basename(file)}」里没有一行数据可用，无法评估。请按上面列出的原因改正后再试。\n`);
        process.exitCode = 1;
      }
    } catch (e) {
      if (e instanceof JunhengError) process.stderr.write(`${e.userMessage}\n`);
      else process.stderr.write(`评估失败：读取或计算时出现意外错误（${e instanceof Error ? e.message : String(e)}）。\n`);
      process.exitCode = 1;
    }
  });

program.exitOverride().configureOutput({ outputError: () => {} });
try {
  await program.parseAsync();
} catch (e) {
  if (!(e instanceof CommanderError)) throw e;
  if (e.code !== 'commander.helpDisplayed' && e.code !== 'commander.help') {
    process.stderr.write('用法：npm run assess -- 文件.csv|文件.xlsx [--json]\n');
    process.exitCode = 1;
  }
}
