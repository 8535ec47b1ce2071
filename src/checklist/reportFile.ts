import ExcelJS from 'exceljs';
import type { ReplyDocument } from '../chat/types.js';
import { formatValue } from './format.js';
import { citeRule, reportDate, roomText, shownValue, stageText, subjectLabel, type ChecklistReport, type ReportRow } from './report.js';
import { STAGE_NAMES } from './types.js';

const STATUS = { pass: '达标', fail: '未达标', missing: '未判定' } as const;
const CMP: Record<string, string> = { '>=': '≥', '<=': '≤', '>': '>', '<': '<' };
const TITLE = '义务教育均衡发展督导评估自查报告';
const CAVEAT = '标“未核实”的条目依据的是转述材料，正式判定请以教育部原文及本省细则为准。';

/** A cell value: the number itself where there is one (so a 督导室 can recompute), else text. */
function valueCell(row: ReportRow): string | number {
  const ind = row.indicator;
  if (row.rooms) return row.rooms.present;
  if (row.value !== undefined) return Number(shownValue(row));
  if (ind.kind === 'boolean' && row.status !== 'missing') return row.status === 'pass' ? '是' : '否';
  return '';
}

function thresholdCell(row: ReportRow): string {
  const ind = row.indicator;
  if (row.rooms) return `要 ${row.rooms.needed} ${row.rooms.unit}`;
  if (ind.kind !== 'numeric' || row.threshold === undefined) return ind.kind === 'boolean' ? '是' : '';
  return `${CMP[ind.comparator]} ${formatValue(row.threshold)}`;
}

/**
 * The report as a workbook a 督导室 files: who (school or county), stage and
 * date; one row per indicator with its value, standard, verdict, gap and
 * cited rule; every raw figure as it was typed, estimates marked 估计值; the
 * overall verdict and, for an unfinished run, what is missing.
 */
export async function reportWorkbook(r: ChecklistReport, now = new Date()): Promise<ReplyDocument> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'junheng';
  wb.created = now;
  const ws = wb.addWorksheet('自查报告');
  ws.columns = [
    { key: 'a', width: 36 },
    { key: 'b', width: 16 },
    { key: 'c', width: 12 },
    { key: 'd', width: 12 },
    { key: 'e', width: 10 },
    { key: 'f', width: 48 },
    { key: 'g', width: 56 },
    { key: 'h', width: 12 },
  ];
  ws.addRow([TITLE]).font = { bold: true, size: 14 };
  ws.addRow([subjectLabel(r.checklist), r.name ?? '（未填写）']);
  ws.addRow(['学段', stageText(r.checklist, r.stage)]);
  ws.addRow(['检查清单', r.checklist.name]);
  ws.addRow(['日期', reportDate(r.date)]);
  ws.addRow(['完成情况', r.complete ? '已全部填写' : `未完成：${r.missing.length} 项未填，结论不完整`]);
  ws.addRow([]);

  ws.addRow(['一、指标判定']).font = { bold: true };
  ws.addRow(['指标', '数值', '单位', '标准', '结论', '差距', '依据', '核实情况']).font = { bold: true };
  for (const row of r.rows) {
    const ind = row.indicator;
    ws.addRow([
      ind.name,
      valueCell(row),
      row.rooms ? row.rooms.unit : ind.kind === 'numeric' ? ind.unit : '',
      thresholdCell(row),
      STATUS[row.status],
      row.rooms ? roomText(row.rooms) : row.gap ?? (row.missing.length ? `缺少：${row.missing.join('、')}` : ''),
      citeRule(ind.source),
      ind.unverified ? '未核实' : '',
    ]);
  }
  ws.addRow([]);

  ws.addRow(['二、填写的原始数据']).font = { bold: true };
  ws.addRow(['项目', '填写内容（原样）', '采用数值', '单位', '说明']).font = { bold: true };
  for (const input of r.inputs) {
    const a = input.answer;
    const note = !a ? '未填' : a.status === 'skipped' ? '跳过' : a.status === 'unknown' ? '不清楚' : [a.status === 'value' && a.estimate ? '估计值' : '', a.status === 'value' && a.unusual ? '超出常见范围，填报人已确认' : ''].filter(Boolean).join('；');
    ws.addRow([
      input.field.name,
      a?.status === 'value' ? (a.raw ?? formatValue(a.value)) : '',
      a?.status === 'value' ? a.value : '',
      input.field.unit,
      note,
    ]);
  }
  ws.addRow([]);

  ws.addRow([`结论：${r.verdictText}`]).font = { bold: true };
  if (!r.complete) ws.addRow([`未填的项目（${r.missing.length} 项）：${r.missing.join('、')}`]);
  ws.addRow([`生成时间：${now.toLocaleString('zh-CN', { hour12: false })}`]);
  ws.addRow([CAVEAT]);
  const bytes = Buffer.from(await wb.xlsx.writeBuffer());
  const stamp = `${r.date.getFullYear()}-${String(r.date.getMonth() + 1).padStart(2, '0')}-${String(r.date.getDate()).padStart(2, '0')}`;
  // Characters a file name cannot hold on Windows or a phone, and the evaluation name's separator.
  const fileSafe = (t: string) => t.replace(/[\\/:*?"<>|\s·]+/gu, '');
  const who = r.name ? `-${fileSafe(r.name)}` : '';
  const stage = r.stage && subjectLabel(r.checklist) === '学校' ? `-${STAGE_NAMES[r.stage]}` : '';
  // The evaluation in the user's words (优质均衡学校资源配置), not the data's id.
  const what = fileSafe(r.checklist.name.replace(/（[^）]*）/gu, ''));
  return { fileName: `均衡自查报告${who}-${what}${stage}-${stamp}.xlsx`, bytes };
}
