import ExcelJS from 'exceljs';
import type { ReplyDocument } from '../chat/types.js';
import { citeRule, formatNumber, type ChecklistReport } from './report.js';
import { STAGE_NAMES } from './types.js';

const STATUS = { pass: '达标', fail: '未达标', missing: '未判定' } as const;

/**
 * The report as a workbook a person keeps: one row per indicator with its
 * value, standard, verdict, gap and cited rule, then the overall verdict.
 */
export async function reportWorkbook(r: ChecklistReport, now = new Date()): Promise<ReplyDocument> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'junheng';
  wb.created = now;
  const ws = wb.addWorksheet('自查报告');
  ws.columns = [
    { header: '指标', key: 'name', width: 36 },
    { header: '本校/本县数值', key: 'value', width: 14 },
    { header: '单位', key: 'unit', width: 10 },
    { header: '标准', key: 'threshold', width: 10 },
    { header: '结论', key: 'status', width: 10 },
    { header: '差距', key: 'gap', width: 48 },
    { header: '依据', key: 'source', width: 56 },
    { header: '核实情况', key: 'verified', width: 12 },
  ];
  ws.getRow(1).font = { bold: true };
  for (const row of r.rows) {
    const ind = row.indicator;
    ws.addRow({
      name: ind.name,
      value: row.value !== undefined ? Number(formatNumber(row.value)) : ind.kind === 'boolean' && row.status !== 'missing' ? (row.status === 'pass' ? '是' : '否') : '',
      unit: ind.kind === 'numeric' ? ind.unit : '',
      threshold: row.threshold ?? '',
      status: STATUS[row.status],
      gap: row.gap ?? (row.missing.length ? `缺少：${row.missing.join('、')}` : ''),
      source: citeRule(ind.source),
      verified: ind.unverified ? '未核实' : '',
    });
  }
  ws.addRow([]);
  ws.addRow([`结论：${r.verdictText}`]).font = { bold: true };
  ws.addRow([`清单：${r.checklist.name}${r.stage ? ` · ${STAGE_NAMES[r.stage]}` : ''}；生成时间：${now.toLocaleString('zh-CN', { hour12: false })}`]);
  ws.addRow(['标“未核实”的条目依据的是转述材料，正式判定请以教育部原文及本省细则为准。']);
  const bytes = Buffer.from(await wb.xlsx.writeBuffer());
  const stamp = now.toISOString().slice(0, 10);
  return { fileName: `均衡自查报告-${r.checklist.id}${r.stage ? `-${STAGE_NAMES[r.stage]}` : ''}-${stamp}.xlsx`, bytes };
}
