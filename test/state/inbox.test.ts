import { describe, expect, it } from 'vitest';
import { ChecklistRunStore, newRun } from '../../src/checklist/run.js';
import { openStateDb } from '../../src/state/db.js';
import { UpdateInbox, withinUpdate } from '../../src/state/inbox.js';

const fresh = () => {
  const db = openStateDb(':memory:');
  return { db, inbox: new UpdateInbox(db), runs: new ChecklistRunStore(db) };
};

describe('UpdateInbox', () => {
  it('records an update once and says so when it is delivered again', () => {
    const { inbox } = fresh();
    expect(inbox.receive(1, 'u', { update_id: 1 }).seen).toBeUndefined();
    expect(inbox.receive(1, 'u', { update_id: 1 }).seen).toBe('pending');
    inbox.done(1);
    expect(inbox.receive(1, 'u', { update_id: 1 }).seen).toBe('done');
  });

  it('lists what a crash left unfinished in update order, counting each attempt', () => {
    const { inbox } = fresh();
    for (const id of [5, 3, 4]) inbox.receive(id, 'u', { update_id: id, text: `m${id}` });
    inbox.done(4);
    const first = inbox.unfinished();
    expect(first.map((u) => [u.updateId, u.status, u.attempts])).toEqual([[3, 'pending', 1], [5, 'pending', 1]]);
    expect(first[0]!.payload).toEqual({ update_id: 3, text: 'm3' });
    expect(inbox.unfinished().map((u) => u.attempts)).toEqual([2, 2]);
  });

  it('marks an update applied in the same transaction as the state it saves', async () => {
    const { inbox, runs } = fresh();
    inbox.receive(7, 'u', {});
    await withinUpdate(inbox, 7, async () => {
      await Promise.resolve();
      runs.save('u', newRun());
    });
    expect(inbox.unfinished().map((u) => u.status)).toEqual(['applied']);
    expect(runs.get('u')).toBeDefined();
  });

  it('leaves the update pending when the state write fails, so it is handled again', async () => {
    const { db, inbox, runs } = fresh();
    inbox.receive(8, 'u', {});
    db.exec('DROP TABLE checklist_runs');
    await expect(withinUpdate(inbox, 8, async () => runs.save('u', newRun()))).rejects.toThrow();
    expect(inbox.unfinished().map((u) => u.status)).toEqual(['pending']);
  });

  it('saves outside any update as before', () => {
    const { inbox, runs } = fresh();
    runs.save('terminal', newRun());
    expect(runs.get('terminal')).toBeDefined();
    expect(inbox.unfinished()).toEqual([]);
  });
});
