import type { FastifyInstance } from 'fastify';
import { pullQuerySchema, pushRequestSchema } from '#schemas/sync/protocol';
import type { AppDeps } from '../app';
import { requireAction } from '../auth/plugin';
import { whereSubjectInScope } from '../db/scope';
import { afterPushCommit, afterPushWrites } from '../faults';
import { parseBody } from '../http/validate';
import { pullChanges } from '../sync/pull';
import { applyPush } from '../sync/push';

export async function syncRoutes(app: FastifyInstance, { db }: AppDeps): Promise<void> {
  /**
   * Applies a batch of device ops (docs/sync-protocol.md). 200 with one result per op, in
   * order; per-op rejections do not fail the batch. A database failure fails the whole batch
   * (nothing applied) and the device retries it.
   */
  app.post('/api/sync/push', async (req) => {
    const user = requireAction(req, 'clinical.read', 'sync clinical data');
    const body = parseBody(pushRequestSchema, req.body);
    const results = await applyPush(db, body.ops, {
      user,
      deviceId: body.deviceId,
      deviceTime: body.deviceTime,
      log: req.log,
      beforeCommit: afterPushWrites,
    });
    // Committed, not yet answered: the device will retry a batch that is already applied.
    afterPushCommit();
    return { results, serverTime: new Date().toISOString() };
  });

  app.get('/api/sync/pull', async (req) => {
    const user = requireAction(req, 'clinical.read', 'read clinical data');
    const q = pullQuerySchema.parse(req.query);
    const page = await pullChanges(db, user.scope, q.cursor, q.limit);
    if (q.deviceId && !page.hasMore) {
      const at = page.serverTime;
      await db
        .insertInto('device_syncs')
        .values({ user_id: user.id, device_id: q.deviceId, last_push_at: null, last_pull_at: at })
        .onConflict((oc) => oc.columns(['user_id', 'device_id']).doUpdateSet({ last_pull_at: at }))
        .execute();
    }
    return page;
  });

  /** Open conflicts in the user's scope, with both values and who/when. */
  app.get('/api/sync/conflicts', async (req) => {
    const user = requireAction(req, 'clinical.read', 'read clinical data');
    const rows = await whereSubjectInScope(
      db
        .selectFrom('conflicts')
        .innerJoin('subjects', 'subjects.id', 'conflicts.subject_id')
        .innerJoin('users as su', 'su.id', 'conflicts.server_author_id')
        .innerJoin('users as iu', 'iu.id', 'conflicts.incoming_author_id')
        .innerJoin('ops', 'ops.op_id', 'conflicts.op_id')
        .leftJoin('field_values as fv', (j) =>
          j
            .onRef('fv.subject_id', '=', 'conflicts.subject_id')
            .onRef('fv.form', '=', 'conflicts.form')
            .onRef('fv.instance', '=', 'conflicts.instance')
            .onRef('fv.path', '=', 'conflicts.path'),
        )
        .select([
          'conflicts.id',
          'conflicts.subject_id',
          'subjects.label as subject_label',
          'conflicts.form',
          'conflicts.instance',
          'conflicts.path',
          'conflicts.server_value',
          'conflicts.server_rev',
          'su.display_name as server_author',
          'conflicts.incoming_value',
          'iu.display_name as incoming_author',
          'ops.client_time as incoming_client_time',
          'conflicts.created_at',
          'fv.value as current_value',
          'fv.rev as current_rev',
          'fv.updated_at as current_time',
        ])
        .where('conflicts.resolved_at', 'is', null),
      user.scope,
    )
      .orderBy('conflicts.created_at')
      .execute();
    return {
      conflicts: rows.map((r) => ({
        id: r.id,
        subjectId: r.subject_id,
        subjectLabel: r.subject_label,
        form: r.form,
        instance: r.instance,
        path: r.path,
        serverValue: r.current_value ?? r.server_value,
        serverRev: r.current_rev ?? r.server_rev,
        serverAuthor: r.server_author,
        serverTime: r.current_time,
        incomingValue: r.incoming_value,
        incomingAuthor: r.incoming_author,
        incomingClientTime: r.incoming_client_time,
        createdAt: r.created_at,
      })),
    };
  });
}
