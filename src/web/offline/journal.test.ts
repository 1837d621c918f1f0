import { describe, expect, it } from 'vitest';
import { Journal, type JournalEntry } from './journal';
import { memoryStorage } from './test-support';

const entry = (path: string, value: unknown, at: number): JournalEntry => ({
  form: 'REG',
  instance: '1',
  path,
  value,
  session: 's',
  at,
});

describe('keystroke journal', () => {
  it("replays this tab's own journal after a reload, oldest first", async () => {
    const storage = memoryStorage();
    const before = new Journal({ storage, tabId: 'tab-1' }, 'subj', 'me');
    before.write([entry('age_years', '62', 2), entry('sex', 'male', 1)]);
    const after = new Journal({ storage, tabId: 'tab-1' }, 'subj', 'me');
    const r = await after.recover();
    expect(r.entries.map((e) => e.path)).toEqual(['sex', 'age_years']);
    r.discard();
    expect(storage.length).toBe(0);
  });

  it("takes over a closed tab's journal, never a live tab's or another user's", async () => {
    const storage = memoryStorage();
    new Journal({ storage, tabId: 'closed' }, 'subj', 'me').write([entry('a', 1, 1)]);
    new Journal({ storage, tabId: 'open' }, 'subj', 'me').write([entry('b', 2, 2)]);
    new Journal({ storage, tabId: 'closed2' }, 'subj', 'someone-else').write([entry('c', 3, 3)]);
    new Journal({ storage, tabId: 'closed3' }, 'other-subject', 'me').write([entry('d', 4, 4)]);
    const env = { storage, tabId: 'new', liveTabs: async () => new Set(['open', 'new']) };
    const r = await new Journal(env, 'subj', 'me').recover();
    expect(r.entries.map((e) => e.path)).toEqual(['a']);
    r.discard();
    expect(Object.keys(storage.dump()).sort()).toEqual([
      'dream.journal.closed2.subj',
      'dream.journal.closed3.other-subject',
      'dream.journal.open.subj',
    ]);
  });

  it('without knowing which tabs live, only replays its own; ignores a corrupt journal', async () => {
    const storage = memoryStorage();
    new Journal({ storage, tabId: 'other' }, 'subj', 'me').write([entry('a', 1, 1)]);
    storage.setItem('dream.journal.mine.subj', '{not json');
    const r = await new Journal({ storage, tabId: 'mine' }, 'subj', 'me').recover();
    expect(r.entries).toEqual([]);
  });

  it('an empty journal removes its record; a full storage does not throw', () => {
    const storage = memoryStorage();
    const j = new Journal({ storage, tabId: 't' }, 'subj', 'me');
    j.write([entry('a', 1, 1)]);
    j.write([]);
    expect(storage.length).toBe(0);
    const full = {
      ...storage,
      length: 0,
      setItem: () => {
        throw new DOMException('full', 'QuotaExceededError');
      },
    };
    expect(() =>
      new Journal({ storage: full, tabId: 't' }, 's', 'me').write([entry('a', 1, 1)]),
    ).not.toThrow();
  });
});
