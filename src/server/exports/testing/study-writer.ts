import type { Kysely } from 'kysely';
import type { JsonValue, Op } from '#schemas/sync/protocol';
import { loadSessionUser } from '../../db/queries/users';
import type { Database } from '../../db/schema';
import { applyPush } from '../../sync/push';
import { OpFactory } from '../../testing/ops';

/**
 * Enters study data the only way the application does — device ops through applyPush — for
 * export and import tests. Each user writes from their own device; the revisions the server
 * answers are shared, so that one user may change another's value (with a reason) without
 * raising a conflict, as happens after a sync.
 */
export class StudyWriter {
  private readonly revs = new Map<string, number>();
  private readonly devices = new Map<string, OpFactory>();
  readonly labels = new Map<string, string>();

  constructor(private readonly db: Kysely<Database>) {}

  private device(userId: string): OpFactory {
    let f = this.devices.get(userId);
    if (!f) {
      f = new OpFactory(userId);
      this.devices.set(userId, f);
    }
    return f;
  }

  private async push(userId: string, ops: Op[]): Promise<void> {
    const user = await loadSessionUser(this.db, userId);
    if (!user) throw new Error(`no user ${userId}`);
    for (let i = 0; i < ops.length; i += 500) {
      const batch = ops.slice(i, i + 500);
      const results = await applyPush(this.db, batch, {
        user,
        deviceId: this.device(userId).deviceId,
        deviceTime: undefined,
      });
      results.forEach((r, j) => {
        if (r.status !== 'applied')
          throw new Error(`op ${JSON.stringify(batch[j])} was ${r.status}: ${r.message ?? ''}`);
        const op = batch[j] as Op;
        if (op.kind === 'set_field')
          this.revs.set(`${op.subjectId}|${op.form}|${op.instance}|${op.path}`, r.rev ?? 0);
        if (op.kind === 'create_subject' && r.subjectLabel)
          this.labels.set(op.subjectId, r.subjectLabel);
      });
    }
  }

  /** Registers a subject at a site; returns its id. */
  async subject(userId: string, site: string): Promise<string> {
    const op = this.device(userId).createSubject(site);
    await this.push(userId, [op]);
    return op.subjectId;
  }

  /** Sets values of one form instance (paths `key` or `key.L3`); a reason when changing. */
  async set(
    userId: string,
    subjectId: string,
    form: string,
    instance: string,
    values: Readonly<Record<string, unknown>>,
    reason?: string,
  ): Promise<void> {
    const f = this.device(userId);
    const ops = Object.entries(values).map(([path, value]) => {
      const baseRev = this.revs.get(`${subjectId}|${form}|${instance}|${path}`);
      return f.set(subjectId, form, instance, path, value as JsonValue, {
        ...(baseRev !== undefined ? { baseRev } : {}),
        ...(reason !== undefined ? { reason } : {}),
      });
    });
    await this.push(userId, ops);
  }

  /** Marks a form instance entered in error (or restores it). */
  async state(
    userId: string,
    subjectId: string,
    form: string,
    instance: string,
    state: 'active' | 'entered_in_error',
    reason: string,
  ): Promise<void> {
    await this.push(userId, [
      this.device(userId).instanceState(subjectId, form, instance, state, reason),
    ]);
  }
}
