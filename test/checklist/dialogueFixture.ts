import path from 'node:path';
import type Database from 'better-sqlite3';
import type { Reply } from '../../src/chat/types.js';
import { ChecklistDialogue } from '../../src/checklist/dialogue.js';
import { loadChecklists } from '../../src/checklist/load.js';
import { loadPlausibleRanges } from '../../src/checklist/plausible.js';
import { ChecklistRunStore } from '../../src/checklist/run.js';
import { openStateDb } from '../../src/state/db.js';
import { repoRoot } from '../ingest/pipelineFixture.js';

export const checklistDir = path.join(repoRoot, 'corpus/checklists');
export const checklists = loadChecklists(checklistDir);
export const ranges = loadPlausibleRanges(checklistDir, checklists);

/** The checklist dialogue over a real state database file (no answerer: a typed question reads as null). */
export interface DialogueRig {
  dialogue: ChecklistDialogue;
  db: Database.Database;
  say(user: string, text: string): Reply[];
  press(user: string, action: string): Reply[];
}

export function dialogueOver(stateFile: string): DialogueRig {
  const db = openStateDb(stateFile);
  const dialogue = new ChecklistDialogue(checklists, new ChecklistRunStore(db), async () => [{ text: '（本测试不评估数据表）' }], ranges);
  return {
    dialogue,
    db,
    say: (user, text) => dialogue.onText(user, text) ?? [{ text: '（不是答案，交给问答）' }],
    press: (user, action) => dialogue.onAction(user, action),
  };
}

export const all = (r: Reply[]) => r.map((x) => x.text).join('\n');
export const labels = (r: Reply[]) => r.flatMap((x) => x.buttons?.flat() ?? []).map((b) => b.label);
