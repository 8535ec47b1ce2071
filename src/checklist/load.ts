/**
 * Loads the checklist definitions (corpus/checklists/*.yaml): each file is one
 * Checklist, parsed as YAML (the `yaml` package, YAML 1.2 core schema) and
 * validated by schema.ts. The parser sits behind a one-method interface so a
 * test or another caller can supply its own.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseDocument, type YAMLError } from 'yaml';
import { loadConfig } from '../config.js';
import { JunhengError } from '../errors.js';
import { parseChecklist } from './schema.js';
import type { Checklist } from './types.js';

export interface YamlParser {
  /** Parses one YAML document into plain data; throws an Error with a Chinese message on invalid input. */
  parse(text: string): unknown;
}

/** Chinese wording for the YAML errors people actually make by hand. */
const YAML_ERRORS: Partial<Record<YAMLError['code'], string>> = {
  TAB_AS_INDENT: '缩进里有制表符，请改用空格',
  BAD_INDENT: '缩进不对',
  DUPLICATE_KEY: '同一层里键重复',
  MISSING_CHAR: '缺少闭合的引号或括号',
  MULTIPLE_DOCS: '一个文件只能有一份清单（不能用 --- 分成多份）',
  BLOCK_AS_IMPLICIT_KEY: '一行里出现了两个“键: ”，含冒号加空格的文字请加引号',
  BAD_SCALAR_START: '值以特殊符号开头，请加引号',
  TAG_RESOLVE_FAILED: '不认识的标签（!…）',
};

function describeYamlError(e: YAMLError): string {
  const line = e.linePos?.[0]?.line;
  const where = line !== undefined ? `第 ${line} 行：` : '';
  const detail = e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
  return `${where}${YAML_ERRORS[e.code] ?? '格式不对'}（${detail}）`;
}

/** The `yaml` package; errors and warnings (unknown tags …) both reject the file. */
export const defaultYamlParser: YamlParser = {
  parse(text: string): unknown {
    const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
    const problem = doc.errors[0] ?? doc.warnings[0];
    if (problem) throw new Error(describeYamlError(problem));
    return doc.toJS();
  },
};

// ---------------------------------------------------------------------------
// Loading
// ---------------------------------------------------------------------------

/** <CORPUS_DIR>/checklists */
export function defaultChecklistDir(): string {
  return path.join(loadConfig().corpusDir, 'checklists');
}

/**
 * Every *.yaml file of the folder (sorted by name), one Checklist each, validated.
 * A file must be named after its checklist id (so ids are unique).
 */
export function loadChecklists(dir: string = defaultChecklistDir(), parser: YamlParser = defaultYamlParser): Checklist[] {
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
    throw new JunhengError(`找不到检查清单文件夹：${dir}`, `checklist dir missing: ${dir}`);
  }
  const names = fs
    .readdirSync(dir)
    .filter((n) => n.endsWith('.yaml') && !n.startsWith('.'))
    .sort();
  if (names.length === 0) {
    throw new JunhengError(`检查清单文件夹 ${dir} 里没有 .yaml 文件`, `no checklist files in ${dir}`);
  }
  const shown = (name: string) => path.join(path.basename(dir), name);
  const out: Checklist[] = [];
  for (const name of names) {
    const file = shown(name);
    let raw: unknown;
    try {
      raw = parser.parse(fs.readFileSync(path.join(dir, name), 'utf8'));
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      throw new JunhengError(`清单定义文件 ${file} 不是有效的 YAML：${msg}`, `yaml error in ${file}: ${msg}`, { cause: e });
    }
    const checklist = parseChecklist(raw, file);
    const expected = name.slice(0, -'.yaml'.length);
    if (checklist.id !== expected) {
      throw new JunhengError(
        `清单定义文件 ${file} 有误：id「${checklist.id}」应与文件名「${expected}」一致`,
        `checklist id ${checklist.id} does not match file ${file}`,
      );
    }
    out.push(checklist);
  }
  return out;
}

/** The checklist with this id; throws a JunhengError naming the known ids when there is none. */
export function checklistById(list: readonly Checklist[], id: string): Checklist {
  const found = list.find((c) => c.id === id);
  if (found) return found;
  throw new JunhengError(
    `没有 id 为「${id}」的检查清单（现有：${list.map((c) => c.id).join('、') || '无'}）`,
    `unknown checklist id ${id}`,
  );
}

/**
 * A data file kept in a sub-folder beside the checklists (names, plausibility
 * ranges), parsed as YAML: its raw content and the name to show, or null when
 * the folder has none. `what` names the file in the Chinese error (指标名称文件).
 */
export function readBesideChecklists(checklistDir: string, relative: string, what: string, parser: YamlParser = defaultYamlParser): { raw: unknown; shown: string } | null {
  const file = path.join(checklistDir, relative);
  if (!fs.existsSync(file)) return null;
  const shown = path.join(path.basename(checklistDir), relative);
  try {
    return { raw: parser.parse(fs.readFileSync(file, 'utf8')), shown };
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    throw new JunhengError(`${what} ${shown} 不是有效的 YAML：${msg}`, `yaml error in ${shown}: ${msg}`, { cause: e });
  }
}

/** A zod failure of a data file beside the checklists, as one Chinese line: 路径：问题；… */
export function issuesText(error: { issues: readonly { path: readonly PropertyKey[]; message: string }[] }): string {
  return error.issues.map((i) => `${i.path.map(String).join('.') || '文件顶层'}：${i.message}`).join('；');
}
