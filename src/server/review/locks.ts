import type { Transaction } from 'kysely';
import type { Database } from '../db/schema';

export type LockLevel = 'frozen' | 'locked';

const rank = { unlocked: 0, frozen: 1, locked: 2 } as const;

/** The lock rows of some subjects, to ask {@link effectiveLock} about many ops at once. */
export class LockIndex {
  private readonly levels = new Map<string, keyof typeof rank>();

  static async load(trx: Transaction<Database>, subjectIds: readonly string[]): Promise<LockIndex> {
    const idx = new LockIndex();
    if (subjectIds.length === 0) return idx;
    const rows = await trx
      .selectFrom('locks')
      .select(['subject_id', 'form', 'instance', 'level'])
      .where('subject_id', 'in', [...subjectIds])
      .execute();
    for (const r of rows) idx.levels.set(`${r.subject_id}|${r.form}|${r.instance}`, r.level);
    return idx;
  }

  /**
   * The strictest lock over a form instance: the subject's, the form's or the instance's.
   * A freeze stops data changes but lets queries be answered; a lock stops both.
   */
  effective(subjectId: string, form: string, instance: string): LockLevel | undefined {
    let best: keyof typeof rank = 'unlocked';
    for (const k of [
      `${subjectId}||`,
      `${subjectId}|${form}|`,
      `${subjectId}|${form}|${instance}`,
    ]) {
      const l = this.levels.get(k);
      if (l && rank[l] > rank[best]) best = l;
    }
    return best === 'unlocked' ? undefined : best;
  }
}

export function lockMessage(level: LockLevel, what: string): string {
  return level === 'locked'
    ? `${what} is locked by data management: no changes are possible.`
    : `${what} is frozen by data management: data cannot be changed (queries can still be answered).`;
}
