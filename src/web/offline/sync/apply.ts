import { setAtPath } from '#schemas/study/paths';
import { DEFINITION_VERSION } from '#schemas/study/version';
import type { JsonValue, OpResult, PullResponse } from '#schemas/sync/protocol';
import type { DreamDb, FormRow, OutboxRow } from '../db';

/**
 * How push results and pulled changes land in the device database. Pure database logic
 * (no network, no React), each batch in one Dexie transaction, so a crash leaves either
 * the old state or the new one.
 */

const targetOf = (subjectId: string, form: string, instance: string, path: string) =>
  `${subjectId}|${form}|${instance}|${path}`;

function emptyForm(subjectId: string, form: string, instance: string): FormRow {
  return {
    subjectId,
    form,
    instance,
    values: {},
    drafts: {},
    revs: {},
    state: 'active',
    defVersion: DEFINITION_VERSION,
    updatedAt: new Date().toISOString(),
  };
}

/**
 * Applies the server's answers to a pushed batch:
 * - applied / duplicate: the op leaves the outbox; the field remembers the server revision;
 *   a new subject gets its definitive label;
 * - conflict: the op leaves the outbox, a conflict row keeps both values, and the field
 *   shows the server's value (unless a newer local edit of it is still waiting);
 * - rejected: the op stays, marked with the server's message, and the value stays on
 *   screen as a draft; a missing reason turns it back into "needs reason".
 */
export async function applyPushResults(
  db: DreamDb,
  batch: readonly OutboxRow[],
  results: readonly OpResult[],
): Promise<{ applied: number; conflicts: number; rejected: number }> {
  const byId = new Map(results.map((r) => [r.opId, r]));
  const counts = { applied: 0, conflicts: 0, rejected: 0 };
  await db.transaction('rw!', [db.outbox, db.forms, db.subjects, db.conflicts], async () => {
    for (const row of batch) {
      const r = byId.get(row.opId);
      if (!r || row.seq === undefined) continue;
      const op = row.op;
      if (r.status === 'applied' || r.status === 'duplicate') {
        counts.applied++;
        await db.outbox.delete(row.seq);
        if (op.kind === 'create_subject' && r.subjectLabel)
          await db.subjects.update(op.subjectId, { label: r.subjectLabel });
        if (op.kind === 'set_field' && r.rev !== undefined) {
          const key: [string, string, string] = [op.subjectId, op.form, op.instance];
          const form = await db.forms.get(key);
          if (form) await db.forms.put({ ...form, revs: { ...form.revs, [op.path]: r.rev } });
        }
        continue;
      }
      if (r.status === 'conflict' && op.kind === 'set_field') {
        counts.conflicts++;
        await db.outbox.delete(row.seq);
        const serverValue = (r.serverValue ?? null) as JsonValue;
        await db.conflicts.put({
          id: r.conflictId ?? row.opId,
          subjectId: op.subjectId,
          form: op.form,
          instance: op.instance,
          path: op.path,
          serverValue,
          serverRev: r.rev ?? 0,
          localValue: op.value,
          localAuthorId: op.authorId,
          localTime: op.clientTime,
          opId: op.opId,
          state: 'open',
        });
        const newer = await db.outbox.where('target').equals(row.target).count();
        if (newer === 0) {
          const key: [string, string, string] = [op.subjectId, op.form, op.instance];
          const form = (await db.forms.get(key)) ?? emptyForm(op.subjectId, op.form, op.instance);
          await db.forms.put({
            ...form,
            values: setAtPath(form.values, op.path, serverValue),
            revs: { ...form.revs, [op.path]: r.rev ?? 0 },
            updatedAt: new Date().toISOString(),
          });
        }
        continue;
      }
      counts.rejected++;
      await db.outbox.update(row.seq, {
        state: r.error === 'reason_required' ? 'needs_reason' : 'rejected',
        error: { code: r.error ?? 'rejected', message: r.message ?? 'Rejected by the server.' },
      });
    }
  });
  return counts;
}

/**
 * Applies one pulled page. Fields with local work still in the outbox keep the local
 * value (and the revision it was based on): the server will judge that edit when it is
 * pushed. Subjects of sites no longer in scope are dropped with everything they hold,
 * unless another user's unsynced changes to them are still waiting on this device.
 */
export async function applyPullPage(
  db: DreamDb,
  page: PullResponse,
  cursorKey: string,
  userId: string,
): Promise<{ dropped: number }> {
  let dropped = 0;
  const review = [db.queries, db.queryMessages, db.sdv, db.signatures, db.locks];
  await db.transaction(
    'rw!',
    [db.subjects, db.forms, db.outbox, db.conflicts, db.meta, ...review],
    async () => {
      // Every read up front in bulk, then plain synchronous work, then bulk writes. Awaiting
      // our own async helpers (resolved native promises) inside the scope can make Dexie lose
      // the transaction zone under load, and the transaction commits early
      // (PrematureCommitError): only Dexie promises are awaited here.
      const existingSubjects = page.subjects.length
        ? await db.subjects.bulkGet(page.subjects.map((s) => s.id))
        : [];
      if (page.subjects.length)
        await db.subjects.bulkPut(
          page.subjects.map((s, i) => ({
            id: s.id,
            siteCode: s.siteCode,
            label: s.label,
            provisionalLabel: existingSubjects[i]?.provisionalLabel ?? s.provisionalLabel,
            createdAt: existingSubjects[i]?.createdAt ?? s.createdAt,
            createdBy: s.createdBy,
          })),
        );
      const formKey = (x: { subjectId: string; form: string; instance: string }) =>
        `${x.subjectId}|${x.form}|${x.instance}`;
      const wanted = new Map<string, [string, string, string]>();
      for (const x of [...page.instances, ...page.fields])
        wanted.set(formKey(x), [x.subjectId, x.form, x.instance]);
      const keys = [...wanted.values()];
      const stored = keys.length ? await db.forms.bulkGet(keys) : [];
      const forms = new Map<string, FormRow>();
      keys.forEach(([subjectId, form, instance], i) => {
        forms.set(
          `${subjectId}|${form}|${instance}`,
          stored[i] ?? emptyForm(subjectId, form, instance),
        );
      });
      for (const i of page.instances) {
        const row = forms.get(formKey(i))!;
        forms.set(formKey(i), { ...row, state: i.state });
      }
      const targets = page.fields.map((f) => targetOf(f.subjectId, f.form, f.instance, f.path));
      const localRows = targets.length
        ? await db.outbox.where('target').anyOf(targets).toArray()
        : [];
      const local = new Set(localRows.map((r) => r.target));
      for (const f of page.fields) {
        if (local.has(targetOf(f.subjectId, f.form, f.instance, f.path))) continue;
        const row = forms.get(formKey(f))!;
        const drafts = { ...row.drafts };
        delete drafts[f.path];
        forms.set(formKey(f), {
          ...row,
          values: setAtPath(row.values, f.path, f.value),
          drafts,
          revs: { ...row.revs, [f.path]: f.rev },
          updatedAt: new Date().toISOString(),
        });
      }
      if (forms.size) await db.forms.bulkPut([...forms.values()]);
      if (page.queries.length) await db.queries.bulkPut(page.queries);
      if (page.queryMessages.length) await db.queryMessages.bulkPut(page.queryMessages);
      if (page.sdv.length) await db.sdv.bulkPut(page.sdv);
      if (page.signatures.length) await db.signatures.bulkPut(page.signatures);
      if (page.locks.length) await db.locks.bulkPut(page.locks);

      const inScope = new Set(page.sites);
      const outside = await db.subjects.filter((s) => !inScope.has(s.siteCode)).primaryKeys();
      for (const id of outside) {
        // Another user's unsynced work on this device waits for its author, whoever signs in.
        const othersWork = await db.outbox
          .where('subjectId')
          .equals(id)
          .filter((o) => o.op.authorId !== userId)
          .count();
        if (othersWork > 0) continue;
        dropped++;
        await db.forms.where('subjectId').equals(id).delete();
        await db.outbox.where('subjectId').equals(id).delete();
        await db.conflicts.where('subjectId').equals(id).delete();
        const queryIds = await db.queries.where('subjectId').equals(id).primaryKeys();
        await db.queryMessages.where('queryId').anyOf(queryIds).delete();
        for (const t of [db.queries, db.sdv, db.signatures, db.locks])
          await t.where('subjectId').equals(id).delete();
        await db.subjects.delete(id);
      }
      await db.meta.put({ key: cursorKey, value: page.cursor });
    },
  );
  return { dropped };
}
