import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/chat/app.js';
import { loadConfig } from '../../src/config.js';
import { runIngest } from '../../src/ingest/pipeline.js';
import { LocalHashEmbeddings } from '../../src/index/embedder.js';
import { CL } from '../../src/checklist/dialogue.js';
import { JunhengError } from '../../src/errors.js';
import { loadPlausibleRanges, parsePlausibleRanges, RANGES_FILE, unusualAfter } from '../../src/checklist/plausible.js';
import { checklistById } from '../../src/checklist/load.js';
import { thrown } from '../helpers/thrown.js';
import { tempDir } from '../ingest/pipelineFixture.js';
import { all, checklistDir, checklists, dialogueOver, labels, ranges } from './dialogueFixture.js';

const work = tempDir('plausible');
const rig = dialogueOver(path.join(work, 'state.db'));
afterAll(() => {
  rig.db.close();
  fs.rmSync(work, { recursive: true, force: true });
});

const resource = checklistById(checklists, 'youzhi-2017-resource');

/** A primary school of 1200 pupils up to the 教学仪器设备值 question (7/8). */
function upToEquipment(user: string): void {
  rig.dialogue.start(user);
  rig.press(user, CL.school);
  rig.press(user, CL.stage('primary'));
  for (const figure of ['1200', '60', '15', '12', '5600', '9600']) rig.say(user, figure);
}

describe('the plausible ranges file', () => {
  it('sits beside the checklists, names numeric indicators with a standard, and gives a reason for every entry', () => {
    expect(fs.existsSync(path.join(checklistDir, RANGES_FILE))).toBe(true);
    expect(ranges.length).toBeGreaterThanOrEqual(7);
    for (const r of ranges) {
      expect(r.reason.length, `${r.indicator}`).toBeGreaterThan(10);
      expect(r.ask).toMatch(/？$/u);
    }
    const equip = ranges.find((r) => r.indicator === 'equip')!;
    expect(equip).toMatchObject({ checklist: 'youzhi-2017-resource', ask: '是不是单位填错了（万元/元）？' });
  });

  it('is rejected with a Chinese reason naming the entry when it is wrong', () => {
    const bad = (entry: Record<string, unknown>) => thrown(() => parsePlausibleRanges({ ranges: [entry] }, 'ranges.yaml', checklists));
    const ok = { checklist: 'youzhi-2017-resource', indicator: 'equip', above: 3, ask: '是不是填错了？', reason: '理由' };
    expect(bad({ ...ok, reason: undefined })).toBeInstanceOf(JunhengError);
    expect((bad({ ...ok, above: undefined }) as JunhengError).userMessage).toContain('below 和 above 至少要填一个');
    expect((bad({ ...ok, indicator: 'nothing' }) as JunhengError).userMessage).toMatch(/ranges\.yaml 第 1 条（youzhi-2017-resource \/ nothing）有误：清单里没有这个指标/u);
    expect((bad({ ...ok, checklist: 'jiben-2012', indicator: 'jb_room' }) as JunhengError).userMessage).toContain('没有标准值');
    const twice = thrown(() => parsePlausibleRanges({ ranges: [ok, ok] }, 'ranges.yaml', checklists)) as JunhengError;
    expect(twice.userMessage).toContain('同一指标重复出现');
  });

  it('is optional: a checklist folder without one has no ranges', () => {
    expect(loadPlausibleRanges(work, checklists)).toEqual([]);
  });

  it('flags 2360 万元 for 1200 pupils (19666.67 元/生, about ten times the standard) and not 236 万元', () => {
    const answers = { students: { status: 'value' as const, value: 1200 } };
    const [u] = unusualAfter(resource, ranges, 'primary', answers, 'equip_value', 2360);
    expect(u).toMatchObject({ side: 'above', threshold: 2000 });
    expect(u!.value).toBeCloseTo(19666.67, 2);
    expect(unusualAfter(resource, ranges, 'primary', answers, 'equip_value', 236)).toEqual([]);
  });
});

describe('a figure far outside any real school’s range is questioned before it is used', () => {
  it('两千三百六十 typed into the 万元 field asks 是不是单位填错了（万元/元）？ instead of judging 19666.67 元/生', () => {
    upToEquipment('ann');
    const asked = rig.say('ann', '两千三百六十');
    const text = all(asked);
    expect(text).toContain('是不是单位填错了（万元/元）？');
    expect(text).toContain('生均教学仪器设备值是 19666.67 元/生');
    expect(text).toContain('是标准（2000）的 9.8 倍');
    expect(text).not.toMatch(/达标/u);
    expect(labels(asked)).toEqual(['没填错，按此计算', '重新输入']);
    // Re-entering asks the same question; the corrected figure is judged.
    expect(all(rig.press('ann', CL.confirmNo))).toContain('（7/8）请输入教学仪器设备值');
    const judged = all(rig.say('ann', '236'));
    expect(judged).toContain('❌ 未达标　生均教学仪器设备值：1966.67 元/生');
    expect(judged).toContain('（8/8）');
  });

  it('a figure typed instead of a button is the figure re-entered: judged if it is one, the question asked again if not', () => {
    upToEquipment('dan');
    rig.say('dan', '两千三百六十');
    const wrongUnit = all(rig.say('dan', '5间'));
    expect(wrongUnit).toContain('单位不对：这一项的单位是“万元”。请重新输入。');
    expect(wrongUnit).toContain('（7/8）请输入教学仪器设备值');
    expect(wrongUnit).not.toContain('请点下面的按钮选择');
    expect(all(rig.say('dan', '236万'))).toContain('❌ 未达标　生均教学仪器设备值：1966.67 元/生');
  });

  it('typing 是 (yes, it was wrong) re-asks; 没错 keeps the figure, and the report says it was confirmed', () => {
    upToEquipment('ben');
    rig.say('ben', '两千三百六十');
    expect(all(rig.say('ben', '是'))).toContain('（7/8）');
    rig.say('ben', '2360');
    const kept = all(rig.say('ben', '没错'));
    expect(kept).toContain('✅ 达标　生均教学仪器设备值：19666.67 元/生');
    const report = all(rig.say('ben', '30'));
    expect(report).toContain('教学仪器设备值：2360 万元（超出常见范围，填报人已确认）');
  });

  it('an estimate is confirmed first, then questioned if implausible, and keeps both marks', () => {
    upToEquipment('cai');
    expect(all(rig.say('cai', '约2360'))).toContain('大约 2360 万元');
    expect(all(rig.press('cai', CL.confirmYes))).toContain('是不是单位填错了（万元/元）？');
    rig.press('cai', CL.confirmYes);
    const report = all(rig.say('cai', '30'));
    expect(report).toContain('教学仪器设备值：2360 万元（原填“约2360”，估计值，超出常见范围，填报人已确认）');
  });
});

describe('the app', () => {
  it('loads the ranges beside its checklists: the same figure asks the same question through createApp', async () => {
    const corpus = path.join(work, 'corpus');
    fs.mkdirSync(corpus);
    fs.writeFileSync(path.join(corpus, '说明.md'), '# 说明\n\n本文件只用于测试检查清单。\n');
    const embedder = new LocalHashEmbeddings();
    const indexDir = path.join(work, 'index');
    await runIngest({ dirs: [corpus], indexDir, embedder, maxFileBytes: 1e6 });
    const app = createApp(loadConfig({ CORPUS_DIR: corpus, INDEX_DIR: indexDir, CHECKLIST_DIR: checklistDir, STATE_DB: path.join(work, 'app-state.db') }, work), embedder);
    try {
      const say = (text: string) => app.engine.handle('dora', { kind: 'text', text });
      await say('/checklist');
      await app.engine.handle('dora', { kind: 'action', action: CL.school });
      await app.engine.handle('dora', { kind: 'action', action: CL.stage('primary') });
      for (const figure of ['1200', '60', '15', '12', '5600', '9600']) await say(figure);
      expect(all(await say('两千三百六十'))).toContain('是不是单位填错了（万元/元）？');
    } finally {
      app.close();
    }
  });
});
