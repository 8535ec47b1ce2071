/**
 * Reads a county's school table (.csv or .xlsx) into checked rows for the
 * 优质均衡 资源配置 assessment. Every figure goes through parseFigure; a row
 * with any doubtful figure is rejected with reasons in Chinese (a file has
 * nobody to confirm "约300"), never half-used. Harmless normalisations
 * ("1,234", full-width digits) are accepted with a warning.
 */
import { parse as parseCsv } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { z } from 'zod';
import { FileRejectedError, JunhengError } from '../errors.js';
import { parseFigure } from './figures.js';
import type { Stage } from './types.js';

/** One school row that passed every check. */
export interface SchoolRow {
  /** 1-based row number in the file; the first row (the header) is line 1. */
  line: number;
  name: string;
  stage: Stage;
  /** Field key → value in the field's unit (万元 for equip_value). */
  answers: Record<string, number>;
  /** Accepted normalisations ("1,234" → 1234), in Chinese. */
  warnings: string[];
}

/** A row that cannot be used, with every reason (Chinese, naming the column). */
export interface RejectedRow {
  line: number;
  name?: string;
  reasons: string[];
}

/** A note about the file that belongs to no accepted row (header, skipped 合计 rows). */
export interface TableWarning {
  line: number;
  name: string;
  message: string;
}

export interface SchoolTable {
  fileName: string;
  format: 'csv' | 'xlsx';
  /** Column title as written → field key, for the columns that were recognised. */
  columns: { title: string; key: string }[];
  rows: SchoolRow[];
  rejected: RejectedRow[];
  warnings: TableWarning[];
}

/** The table lacks columns the assessment needs. */
export class MissingColumnsError extends FileRejectedError {
  constructor(
    readonly missing: string[],
    userMessage: string,
  ) {
    super('wrong-content', userMessage, `school table lacks columns: ${missing.join(', ')}`);
  }
}

interface ColumnSpec {
  key: string;
  /** How the column is named in messages. */
  title: string;
  unit: string;
  integer: boolean;
  required: boolean;
  /** Matched against the header with its unit removed, NFKC, no spaces. */
  match: RegExp;
}

const NAME_RE = /^(?:学校名称|学校全称|学校|校名|单位名称|单位)$/u;
const STAGE_RE = /^(?:学段|学段类别|学段类型|学校学段)$/u;

/** The raw figures of youzhi-2017-resource (plus 专任教师数, read and checked but not required). */
export const SCHOOL_COLUMNS: readonly ColumnSpec[] = [
  { key: 'students', title: '在校学生数', unit: '人', integer: true, required: true, match: /^(?:在校)?(?:学生|生)(?:人)?数$|^在校生$/u },
  { key: 'teachers', title: '专任教师数', unit: '人', integer: true, required: false, match: /^专任教师(?:总)?(?:人)?数?$/u },
  { key: 'high_edu_teachers', title: '高于规定学历教师数', unit: '人', integer: true, required: true, match: /高于规定学历|^高学历(?:专任)?教师(?:人)?数?$/u },
  { key: 'backbone_teachers', title: '县级以上骨干教师数', unit: '人', integer: true, required: true, match: /骨干教师/u },
  { key: 'pe_art_teachers', title: '体育艺术专任教师数', unit: '人', integer: true, required: true, match: /(?:体育.{0,8}艺术|体艺).*教师/u },
  { key: 'room_area', title: '教学及辅助用房面积', unit: '平方米', integer: false, required: true, match: /教学(?:及)?辅助用房/u },
  { key: 'sport_area', title: '体育运动场馆面积', unit: '平方米', integer: false, required: true, match: /(?:体育)?运动场(?:馆|地)(?:总)?面积|体育场馆(?:总)?面积/u },
  { key: 'equip_value', title: '教学仪器设备值', unit: '万元', integer: false, required: true, match: /仪器设备(?:总)?值/u },
  { key: 'media_rooms', title: '网络多媒体教室数', unit: '间', integer: true, required: true, match: /多媒体教室/u },
];

/** Per-student or per-100 columns are ratios, not the raw figures asked for. */
const RATIO_HEADER = /^(?:生均|每百名|百名学生|师生比)|比例|比率|率$/u;

const MONEY_FACTOR: Record<string, number> = { 元: 1, 万元: 1e4, 亿元: 1e8 };

const MAX_BYTES = 10 * 1024 * 1024;
const MAX_ROWS = 5000;
const HEADER_SCAN_ROWS = 10;

type Cell = { kind: 'empty' } | { kind: 'text'; text: string } | { kind: 'number'; value: number } | { kind: 'error'; text: string };
interface RawRow {
  line: number;
  cells: Cell[];
}

const EMPTY: Cell = { kind: 'empty' };

/** Header text → title without its unit, and the unit written in brackets (if any). */
function splitHeader(header: string): { title: string; unit?: string } {
  const t = header.normalize('NFKC').replace(/\s+/gu, '');
  const m =
    /^(.*?)[([【]([^()[\]【】]*)[)\]】]$/u.exec(t) ?? /^(.*?)[/_]((?:单位:?)?(?:人|名|平方米|平米|m2|万元|元|亿元|间|个))$/u.exec(t);
  if (m && m[1]) {
    const unit = m[2]!.replace(/^单位[:：]?/u, '');
    return { title: m[1], unit: unit || undefined };
  }
  return { title: t };
}

function cellText(c: Cell): string {
  switch (c.kind) {
    case 'empty':
      return '';
    case 'number':
      return String(c.value);
    default:
      return c.text.trim();
  }
}

function isBlank(c: Cell): boolean {
  return c.kind === 'empty' || (c.kind === 'text' && c.text.trim() === '');
}

function sniff(bytes: Buffer): 'zip' | 'ole2' | 'pdf' | 'text' {
  if (bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b) return 'zip';
  if (bytes.length >= 8 && bytes.subarray(0, 8).equals(Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]))) return 'ole2';
  if (bytes.subarray(0, 5).toString('latin1') === '%PDF-') return 'pdf';
  return 'text';
}

function extensionOf(fileName: string): string {
  const m = /\.([A-Za-z0-9]+)$/u.exec(fileName);
  return m ? m[1]!.toLowerCase() : '';
}

/** UTF-8 (BOM or not), UTF-16 with a BOM, otherwise GBK/GB18030. */
function decodeText(bytes: Buffer, fileName: string): string {
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) return iconv.decode(bytes.subarray(2), 'utf-16le');
  if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff) return iconv.decode(bytes.subarray(2), 'utf-16be');
  const body = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? bytes.subarray(3) : bytes;
  if (body.includes(0)) {
    throw new FileRejectedError('binary', `「${fileName}」不是文本表格（含有二进制内容），请另存为 CSV（UTF-8）或 .xlsx 再试。`, 'NUL byte in CSV');
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(body);
  } catch {
    const text = iconv.decode(body, 'gb18030');
    if (text.includes('\uFFFD')) {
      throw new FileRejectedError('corrupt', `「${fileName}」的文字编码无法识别（既不是 UTF-8 也不是 GBK），请另存为 CSV（UTF-8）再试。`, 'CSV neither UTF-8 nor GB18030');
    }
    return text;
  }
}

function pickDelimiter(text: string): string {
  const first = text.split(/\r?\n/u, 1)[0] ?? '';
  const counts = [',', '\t', ';', '，'].map((d) => ({ d, n: first.split(d).length - 1 }));
  counts.sort((a, b) => b.n - a.n);
  return counts[0] && counts[0].n > 0 ? counts[0].d : ',';
}

function readCsv(bytes: Buffer, fileName: string): RawRow[] {
  const text = decodeText(bytes, fileName);
  let records: unknown;
  try {
    records = parseCsv(text, { delimiter: pickDelimiter(text), relax_column_count: true, relax_quotes: true, skip_empty_lines: false, bom: true });
  } catch (e) {
    const line = (e as { lines?: number }).lines;
    throw new FileRejectedError(
      'corrupt',
      `「${fileName}」的 CSV 格式有误${line ? `（约第 ${line} 行，引号不配对？）` : ''}，请在 Excel 或 WPS 中打开后另存为 CSV 再试。`,
      `csv-parse: ${(e as Error).message}`,
      { cause: e },
    );
  }
  return (records as string[][]).map((rec, i) => ({
    line: i + 1,
    cells: rec.map((s): Cell => (s.trim() === '' ? EMPTY : { kind: 'text', text: s })),
  }));
}

function excelCell(v: ExcelJS.CellValue): Cell {
  if (v === null || v === undefined) return EMPTY;
  if (typeof v === 'number') return Number.isFinite(v) ? { kind: 'number', value: v } : { kind: 'error', text: String(v) };
  if (typeof v === 'string') return v.trim() === '' ? EMPTY : { kind: 'text', text: v };
  if (typeof v === 'boolean') return { kind: 'text', text: v ? 'TRUE' : 'FALSE' };
  if (v instanceof Date) return { kind: 'text', text: v.toISOString().slice(0, 10) };
  if ('richText' in v) return excelCell(v.richText.map((r) => r.text).join(''));
  if ('error' in v) return { kind: 'error', text: String(v.error) };
  if ('formula' in v || 'sharedFormula' in v) {
    const r = v.result;
    if (r === undefined) return { kind: 'error', text: '公式没有计算结果' };
    if (typeof r === 'object' && r !== null && !(r instanceof Date)) return { kind: 'error', text: String(r.error) };
    return excelCell(r);
  }
  if ('text' in v) return excelCell(v.text);
  return { kind: 'text', text: String(v) };
}

async function readXlsx(bytes: Buffer, fileName: string): Promise<RawRow[]> {
  await (await import('../ingest/zip.js')).checkZipContainer(bytes, fileName, { subject: `「${fileName}」` }); // zip bombs: declared sizes checked before exceljs inflates
  const wb = new ExcelJS.Workbook();
  try {
    await wb.xlsx.load(bytes as unknown as Parameters<typeof wb.xlsx.load>[0]);
  } catch (e) {
    throw new FileRejectedError('corrupt', `「${fileName}」不是可读的 Excel 工作簿（文件可能已损坏），请重新导出为 .xlsx 或 CSV 再试。`, `exceljs: ${(e as Error).message}`, { cause: e });
  }
  const ws = wb.worksheets[0];
  if (!ws) throw new FileRejectedError('empty', `「${fileName}」里没有工作表。`, 'workbook has no sheet');
  const rows: RawRow[] = [];
  ws.eachRow({ includeEmpty: false }, (row, n) => {
    const cells: Cell[] = [];
    for (let c = 1; c <= row.cellCount; c++) cells.push(excelCell(row.getCell(c).value));
    rows.push({ line: n, cells });
  });
  return rows;
}

interface BoundColumn {
  spec: ColumnSpec;
  index: number;
  header: string;
  /** 万元 → 1 when the header's money unit is the field's; 元 → 1e-4. */
  factor: number;
  /** Unit to hand parseFigure for this column (the header's). */
  unit: string;
}

interface HeaderMap {
  line: number;
  nameIndex?: number;
  stageIndex?: number;
  bound: BoundColumn[];
  ratioHeaders: string[];
  notes: string[];
}

function mapHeader(row: RawRow): HeaderMap {
  const map: HeaderMap = { line: row.line, bound: [], ratioHeaders: [], notes: [] };
  row.cells.forEach((cell, index) => {
    const header = cellText(cell);
    if (!header) return;
    const { title, unit } = splitHeader(header);
    if (NAME_RE.test(title)) {
      if (map.nameIndex === undefined) map.nameIndex = index;
      return;
    }
    if (STAGE_RE.test(title)) {
      if (map.stageIndex === undefined) map.stageIndex = index;
      return;
    }
    if (RATIO_HEADER.test(title)) {
      if (SCHOOL_COLUMNS.some((s) => s.match.test(title))) map.ratioHeaders.push(header);
      return;
    }
    const spec = SCHOOL_COLUMNS.find((s) => s.match.test(title));
    if (!spec) return;
    const existing = map.bound.find((b) => b.spec.key === spec.key);
    if (existing) {
      map.notes.push(`「${header}」和「${existing.header}」都像是${spec.title}，按前一列「${existing.header}」计算。`);
      return;
    }
    let factor = 1;
    let colUnit = spec.unit;
    const fieldMoney = MONEY_FACTOR[spec.unit];
    if (fieldMoney !== undefined) {
      const headerMoney = unit !== undefined ? MONEY_FACTOR[unit] : undefined;
      if (headerMoney !== undefined && unit !== undefined) {
        colUnit = unit;
        factor = headerMoney / fieldMoney;
        if (unit !== spec.unit) map.notes.push(`「${header}」以${unit}为单位，已换算为${spec.unit}。`);
      } else if (unit === undefined) {
        map.notes.push(`「${header}」没有注明单位，按${spec.unit}计。`);
      }
    }
    map.bound.push({ spec, index, header, factor, unit: colUnit });
  });
  return map;
}

function headerScore(map: HeaderMap): number {
  return map.bound.length + (map.nameIndex !== undefined ? 1 : 0) + (map.stageIndex !== undefined ? 1 : 0);
}

/** The first of the leading rows that looks most like the header (title rows above it are skipped). */
function findHeader(rows: RawRow[], fileName: string): HeaderMap {
  let best: HeaderMap | undefined;
  for (const row of rows.slice(0, HEADER_SCAN_ROWS)) {
    const m = mapHeader(row);
    if (!best || headerScore(m) > headerScore(best)) best = m;
  }
  if (!best) throw new FileRejectedError('empty', `「${fileName}」是空表格，没有任何数据。`, 'no rows');
  const missing: string[] = [];
  if (best.nameIndex === undefined) missing.push('学校名称');
  if (best.stageIndex === undefined) missing.push('学段');
  for (const spec of SCHOOL_COLUMNS) {
    if (spec.required && !best.bound.some((b) => b.spec.key === spec.key)) missing.push(`${spec.title}(${spec.unit})`);
  }
  if (missing.length > 0) {
    const ratioHint =
      best.ratioHeaders.length > 0 ? `表中的「${best.ratioHeaders.join('」「')}」是生均或比例值，请改填总数（学校的原始数字），由本工具计算生均值。` : '';
    throw new MissingColumnsError(
      missing,
      `「${fileName}」缺少以下列：${missing.join('、')}。请在表头（第一行）加上这些列，每所学校一行。${ratioHint}`,
    );
  }
  return best;
}

function parseStage(text: string): { stage: Stage } | { reason: string } {
  const t = text.normalize('NFKC').replace(/\s+/gu, '');
  if (/^(?:小学|小学部|小学段)$/u.test(t)) return { stage: 'primary' };
  if (/^(?:初中|初中部|初中段|初级中学)$/u.test(t)) return { stage: 'junior' };
  if (!t) return { reason: '「学段」没有填写，应为“小学”或“初中”。' };
  if (/一贯|完全中学|完中|十二年|九年/u.test(t)) {
    return {
      reason: `「学段」为“${t}”：优质均衡按小学、初中分别评估，请把这所学校拆成两行——“某某学校（小学部）”填小学部的学生、教师、校舍和设备，学段填“小学”；“某某学校（初中部）”填初中部的，学段填“初中”。`,
    };
  }
  return { reason: `「学段」为“${t}”，应为“小学”或“初中”。` };
}

/** "1,234" or full-width digits: accepted, but the user is told how it was read. */
function isPlainNumber(text: string): boolean {
  return /^\d+(?:\.\d+)?$/u.test(text.trim());
}

/** Counted among the 专任教师: none can exceed 专任教师数 when the table gives it. */
const SUBSET_OF_TEACHERS = new Set(['high_edu_teachers', 'backbone_teachers', 'pe_art_teachers']);

const TOTAL_ROW = /^(?:合计|总计|小计|全县合计|全县|总数|平均|平均值)$/u;

const RowSchema = z.object({
  line: z.number().int().positive(),
  name: z.string().min(1),
  stage: z.enum(['primary', 'junior']),
  answers: z.record(z.string(), z.number().finite().nonnegative()),
  warnings: z.array(z.string()),
});
const RejectedSchema = z.object({
  line: z.number().int().positive(),
  name: z.string().min(1).optional(),
  reasons: z.array(z.string().min(1)).min(1),
});
const TableRowsSchema = z.object({ rows: z.array(RowSchema), rejected: z.array(RejectedSchema) });

function normName(name: string): string {
  return name.normalize('NFKC').replace(/\s+/gu, '');
}

/**
 * Reads a school table. Throws FileRejectedError (a JunhengError) when the
 * file cannot be read at all or lacks required columns (MissingColumnsError);
 * otherwise returns every data row either accepted or rejected with reasons.
 */
export async function readSchoolTable(bytes: Buffer, fileName: string): Promise<SchoolTable> {
  if (bytes.length === 0) throw new FileRejectedError('empty', `「${fileName}」是空文件。`, 'empty file');
  if (bytes.length > MAX_BYTES) {
    throw new FileRejectedError('too-large', `「${fileName}」太大（超过 10 MB），学校表格不应这么大，请只保留学校数据后再试。`, `file is ${bytes.length} bytes`);
  }
  const ext = extensionOf(fileName);
  const kind = sniff(bytes);
  let format: 'csv' | 'xlsx';
  if (kind === 'zip') format = 'xlsx';
  else if (kind === 'ole2') {
    throw new FileRejectedError('unsupported', `「${fileName}」是旧版 Excel（.xls）或其他 Office 旧格式，请在 Excel 或 WPS 中另存为 .xlsx 或 CSV 再试。`, 'OLE2 file');
  } else if (kind === 'pdf') {
    throw new FileRejectedError('wrong-content', `「${fileName}」是 PDF 文件，不是表格。请提供 .xlsx 或 CSV 格式的学校数据表。`, 'PDF given as a school table');
  } else if (ext === 'xlsx' || ext === 'xlsm') {
    throw new FileRejectedError('corrupt', `「${fileName}」不是可读的 Excel 工作簿（文件可能已损坏），请重新导出为 .xlsx 或 CSV 再试。`, 'xlsx name, not a zip');
  } else if (ext === 'csv' || ext === 'txt' || ext === 'tsv') format = 'csv';
  else {
    throw new FileRejectedError('unsupported', `不支持「${fileName}」这种文件，请提供 .xlsx 或 CSV 格式的学校数据表。`, `unsupported extension .${ext}`);
  }

  const raw = format === 'xlsx' ? await readXlsx(bytes, fileName) : readCsv(bytes, fileName);
  const nonEmpty = raw.filter((r) => r.cells.some((c) => !isBlank(c)));
  if (nonEmpty.length > MAX_ROWS + HEADER_SCAN_ROWS) {
    throw new FileRejectedError('too-large', `「${fileName}」有 ${nonEmpty.length} 行，超过 ${MAX_ROWS} 行的上限；请每所学校一行，只保留一个县的学校。`, 'too many rows');
  }
  const header = findHeader(nonEmpty, fileName);
  const warnings: TableWarning[] = header.notes.map((message) => ({ line: header.line, name: '表头', message }));

  interface Pending {
    line: number;
    name?: string;
    stageText: string;
    stage?: Stage;
    answers: Record<string, number>;
    warnings: string[];
    reasons: string[];
  }
  const pending: Pending[] = [];
  for (const row of nonEmpty) {
    if (row.line <= header.line) continue;
    const cell = (i: number | undefined): Cell => (i === undefined ? EMPTY : (row.cells[i] ?? EMPTY));
    const name = cellText(cell(header.nameIndex)).replace(/\s+/gu, ' ').trim();
    if (TOTAL_ROW.test(normName(name))) {
      warnings.push({ line: row.line, name, message: `“${name}”行不是学校，已跳过（合计和平均由本工具计算）。` });
      continue;
    }
    const p: Pending = { line: row.line, stageText: cellText(cell(header.stageIndex)), answers: {}, warnings: [], reasons: [] };
    if (name) p.name = name;
    else p.reasons.push('「学校名称」没有填写。');
    const stage = parseStage(p.stageText);
    if ('stage' in stage) p.stage = stage.stage;
    else p.reasons.push(stage.reason);

    for (const col of header.bound) {
      const c = cell(col.index);
      const label = splitHeader(col.header).title;
      if (isBlank(c)) {
        if (col.spec.required) p.reasons.push(`「${label}」没有填写。`);
        continue;
      }
      if (c.kind === 'error') {
        p.reasons.push(`「${label}」单元格是错误值（${c.text}），请填写数字。`);
        continue;
      }
      const text = cellText(c);
      const fig = parseFigure(text, { unit: col.unit, integer: col.spec.integer });
      if (!fig.ok || fig.approximate) {
        const problem = !fig.ok
          ? `「${label}」填的是“${text}”：${fig.reason}`
          : `「${label}」填的是“${text}”，是估计数；表格里无法逐个确认，请填写准确数字。`;
        // A column the assessment does not use (专任教师数) only earns a warning.
        if (col.spec.required) p.reasons.push(problem);
        else p.warnings.push(`${problem}（这一列不参与评估，已忽略）`);
        continue;
      }
      const value = fig.value * col.factor;
      if (col.spec.key === 'students' && value <= 0) {
        p.reasons.push(`「${label}」为 0：在校学生数必须大于 0。`);
        continue;
      }
      p.answers[col.spec.key] = value;
      if (c.kind === 'text' && !isPlainNumber(text)) p.warnings.push(`「${label}」填的是“${text.trim()}”，按 ${fig.value} 计。`);
    }
    const teachers = p.answers['teachers'];
    if (teachers !== undefined) {
      for (const col of header.bound) {
        if (!SUBSET_OF_TEACHERS.has(col.spec.key)) continue;
        const v = p.answers[col.spec.key];
        if (v !== undefined && v > teachers) {
          p.reasons.push(`「${splitHeader(col.header).title}」（${v} 人）比「专任教师数」（${teachers} 人）还多，请核对。`);
        }
      }
    }
    pending.push(p);
  }

  // A school named twice: neither row can be trusted over the other.
  const byName = new Map<string, Pending[]>();
  for (const p of pending) {
    if (!p.name) continue;
    const key = normName(p.name);
    byName.set(key, [...(byName.get(key) ?? []), p]);
  }
  for (const group of byName.values()) {
    if (group.length < 2) continue;
    const lines = group.map((g) => `第 ${g.line} 行`).join('、');
    const stages = new Set(group.map((g) => g.stage ?? g.stageText));
    const advice =
      stages.size > 1
        ? `如是同一所一贯制学校的不同学段，请分别命名为“${group[0]!.name}（小学部）”“${group[0]!.name}（初中部）”。`
        : `无法判断哪一行正确，这 ${group.length} 行都未计入；请核对后删去多余的行。`;
    for (const g of group) g.reasons.push(`学校名称“${g.name}”重复出现（${lines}）：${advice}`);
  }

  const rows: SchoolRow[] = [];
  const rejected: RejectedRow[] = [];
  for (const p of pending) {
    if (p.reasons.length > 0 || !p.name || !p.stage) {
      rejected.push(p.name ? { line: p.line, name: p.name, reasons: p.reasons } : { line: p.line, reasons: p.reasons });
    } else {
      rows.push({ line: p.line, name: p.name, stage: p.stage, answers: p.answers, warnings: p.warnings });
    }
  }
  const checked = TableRowsSchema.safeParse({ rows, rejected });
  if (!checked.success) {
    throw new JunhengError('读取学校表格时出现内部错误，请把文件发给维护人员。', `school table rows failed validation: ${checked.error.message}`);
  }
  return {
    fileName,
    format,
    columns: header.bound.map((b) => ({ title: b.header, key: b.spec.key })),
    rows: checked.data.rows as SchoolRow[],
    rejected: checked.data.rejected as RejectedRow[],
    warnings,
  };
}
