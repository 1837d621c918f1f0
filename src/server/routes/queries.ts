import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import * as z from 'zod';
import { can } from '#schemas/access/roles';
import { bulkQueriesSchema, queryActionSchema, raiseQuerySchema } from '#schemas/api/review';
import type { AppDeps } from '../app';
import { appendAudit } from '../audit/writer';
import { requireAction, requireUser } from '../auth/plugin';
import { whereSubjectInScope } from '../db/scope';
import { nextSeqs, withWriteLock } from '../db/write-lock';
import { forbidden, HttpError, notFound } from '../http/errors';
import { parseBody } from '../http/validate';
import { LockIndex, lockMessage } from '../review/locks';
import { actorOf, subjectInScope } from '../review/subjects';

const listQuerySchema = z.object({
  state: z.enum(['open', 'answered', 'closed']).optional(),
  site: z.string().max(8).optional(),
  subjectId: z.uuid().optional(),
});

const DAY = 86_400_000;

export async function queryRoutes(app: FastifyInstance, { db }: AppDeps): Promise<void> {
  /** Queries in scope with aging, plus counts per site and state. */
  app.get('/api/queries', async (req) => {
    const user = requireAction(req, 'clinical.read', 'read queries');
    const q = listQuerySchema.parse(req.query);
    let sel = db
      .selectFrom('queries')
      .innerJoin('subjects', 'subjects.id', 'queries.subject_id')
      .leftJoin('users', 'users.id', 'queries.raised_by')
      .select([
        'queries.id',
        'queries.subject_id',
        'subjects.label as subject_label',
        'subjects.site_code',
        'queries.form',
        'queries.instance',
        'queries.path',
        'queries.kind',
        'queries.check_id',
        'queries.state',
        'queries.raised_at',
        'queries.closed_at',
        'users.display_name as raised_by_name',
      ]);
    if (q.subjectId) sel = sel.where('queries.subject_id', '=', q.subjectId);
    if (q.site) sel = sel.where('subjects.site_code', '=', q.site);
    const rows = await whereSubjectInScope(sel, user.scope).orderBy('queries.raised_at').execute();
    const now = Date.now();
    const list = rows.map((r) => ({
      id: r.id,
      subjectId: r.subject_id,
      subjectLabel: r.subject_label,
      siteCode: r.site_code,
      form: r.form,
      instance: r.instance,
      path: r.path,
      kind: r.kind,
      checkId: r.check_id,
      state: r.state,
      raisedAt: r.raised_at,
      raisedBy: r.raised_by_name ?? 'System',
      closedAt: r.closed_at,
      daysOpen: Math.floor(
        ((r.closed_at ? Date.parse(r.closed_at) : now) - Date.parse(r.raised_at)) / DAY,
      ),
    }));
    const counts: Record<string, Record<string, number>> = {};
    for (const r of list) {
      counts[r.siteCode] ??= { open: 0, answered: 0, closed: 0 };
      counts[r.siteCode]![r.state] = (counts[r.siteCode]![r.state] ?? 0) + 1;
    }
    return { queries: q.state ? list.filter((r) => r.state === q.state) : list, counts };
  });

  /** One query and its thread. */
  app.get('/api/queries/:id', async (req) => {
    const user = requireAction(req, 'clinical.read', 'read queries');
    const { id } = z.object({ id: z.uuid() }).parse(req.params);
    const query = await whereSubjectInScope(
      db
        .selectFrom('queries')
        .innerJoin('subjects', 'subjects.id', 'queries.subject_id')
        .selectAll('queries')
        .select(['subjects.label as subject_label', 'subjects.site_code'])
        .where('queries.id', '=', id),
      user.scope,
    ).executeTakeFirst();
    if (!query) throw notFound('query');
    const messages = await db
      .selectFrom('query_messages')
      .leftJoin('users', 'users.id', 'query_messages.author_id')
      .select([
        'query_messages.id',
        'query_messages.kind',
        'query_messages.text',
        'query_messages.at',
        'query_messages.client_time',
        'users.display_name as author',
        'users.role as author_role',
      ])
      .where('query_id', '=', id)
      .orderBy('query_messages.rev')
      .execute();
    return { query, messages: messages.map((m) => ({ ...m, author: m.author ?? 'System' })) };
  });

  /** A data manager or monitor raises a query on a field, a form or a subject. */
  app.post('/api/queries', async (req, reply) => {
    const user = requireAction(req, 'query.raise', 'raise queries');
    const body = parseBody(raiseQuerySchema, req.body);
    const subject = await subjectInScope(db, user, body.subjectId);
    const id = randomUUID();
    await withWriteLock(db, async (trx) => {
      const locks = await LockIndex.load(trx, [subject.id]);
      if (locks.effective(subject.id, body.form ?? '', body.instance ?? '') === 'locked')
        throw new HttpError(423, 'locked', lockMessage('locked', subject.label));
      const [s1, s2] = await nextSeqs(trx, 2);
      const at = new Date().toISOString();
      await trx
        .insertInto('queries')
        .values({
          id,
          subject_id: subject.id,
          form: body.form ?? null,
          instance: body.instance ?? null,
          path: body.path ?? null,
          kind: 'manual',
          check_id: null,
          state: 'open',
          raised_by: user.id,
          raised_at: at,
          closed_by: null,
          closed_at: null,
          rev: s1!,
        })
        .execute();
      await trx
        .insertInto('query_messages')
        .values({
          id: randomUUID(),
          query_id: id,
          kind: 'raise',
          author_id: user.id,
          at,
          client_time: null,
          text: body.text,
          rev: s2!,
        })
        .execute();
      await appendAudit(trx, [
        {
          event: 'query_raised',
          actor: actorOf(user),
          siteCode: subject.site_code,
          subjectId: subject.id,
          form: body.form,
          instance: body.instance,
          path: body.path,
          newValue: 'open',
          details: { queryId: id, kind: 'manual', text: body.text },
        },
      ]);
    });
    return reply.code(201).send({ id });
  });

  /**
   * Thread actions. Sites answer (offline answers arrive through sync as `answer_query`
   * ops; this is the online path); data managers and monitors close and reopen; anyone with
   * access may comment.
   */
  app.post('/api/queries/:id/actions', async (req) => {
    const user = requireUser(req);
    const { id } = z.object({ id: z.uuid() }).parse(req.params);
    const body = parseBody(queryActionSchema, req.body);
    const need = {
      answer: 'query.answer',
      close: 'query.close',
      reopen: 'query.close',
      comment: 'clinical.read',
    } as const;
    if (!can(user, need[body.action])) throw forbidden(`${body.action} queries`);
    const query = await whereSubjectInScope(
      db
        .selectFrom('queries')
        .innerJoin('subjects', 'subjects.id', 'queries.subject_id')
        .select([
          'queries.id',
          'queries.state',
          'queries.subject_id',
          'queries.form',
          'queries.instance',
          'queries.path',
          'subjects.site_code',
          'subjects.label',
        ])
        .where('queries.id', '=', id),
      user.scope,
    ).executeTakeFirst();
    if (!query) throw notFound('query');
    const next = {
      answer: 'answered',
      close: 'closed',
      reopen: 'open',
      comment: query.state,
    } as const;
    if (body.action === 'reopen' && query.state !== 'closed')
      throw new HttpError(409, 'not_closed', 'Only a closed query can be reopened.');
    if ((body.action === 'close' || body.action === 'answer') && query.state === 'closed')
      throw new HttpError(409, 'closed', 'This query is already closed.');
    await withWriteLock(db, async (trx) => {
      const locks = await LockIndex.load(trx, [query.subject_id]);
      if (locks.effective(query.subject_id, query.form ?? '', query.instance ?? '') === 'locked')
        throw new HttpError(423, 'locked', lockMessage('locked', query.label));
      const [s1, s2] = await nextSeqs(trx, 2);
      const at = new Date().toISOString();
      const state = next[body.action];
      await trx
        .updateTable('queries')
        .set({
          state,
          rev: s1!,
          ...(state === 'closed' ? { closed_at: at, closed_by: user.id } : {}),
          ...(body.action === 'reopen' ? { closed_at: null, closed_by: null } : {}),
        })
        .where('id', '=', id)
        .execute();
      await trx
        .insertInto('query_messages')
        .values({
          id: randomUUID(),
          query_id: id,
          kind: body.action,
          author_id: user.id,
          at,
          client_time: null,
          text: body.text,
          rev: s2!,
        })
        .execute();
      await appendAudit(trx, [
        {
          event: `query_${body.action === 'answer' ? 'answered' : body.action === 'close' ? 'closed' : body.action === 'reopen' ? 'reopened' : 'commented'}`,
          actor: actorOf(user),
          siteCode: query.site_code,
          subjectId: query.subject_id,
          form: query.form,
          instance: query.instance,
          path: query.path,
          oldValue: query.state,
          newValue: state,
          details: { queryId: id, text: body.text },
        },
      ]);
    });
    return { state: next[body.action] };
  });

  /** "Raise queries for these": system queries from the missing-field / edit-check report. */
  app.post('/api/queries/bulk', async (req) => {
    const user = requireAction(req, 'query.raise', 'raise queries');
    const body = parseBody(bulkQueriesSchema, req.body);
    const ids = [...new Set(body.items.map((i) => i.subjectId))];
    const subjects = new Map(
      (
        await whereSubjectInScope(
          db.selectFrom('subjects').select(['id', 'site_code']).where('id', 'in', ids),
          user.scope,
        ).execute()
      ).map((s) => [s.id, s]),
    );
    let raised = 0;
    await withWriteLock(db, async (trx) => {
      const live = await trx
        .selectFrom('queries')
        .select(['subject_id', 'form', 'instance', 'path', 'check_id'])
        .where('subject_id', 'in', ids)
        .where('kind', '<>', 'manual')
        .where('state', '<>', 'closed')
        .execute();
      const liveKeys = new Set(
        live.map((q) => `${q.subject_id}|${q.form}|${q.instance}|${q.path}|${q.check_id}`),
      );
      const items = body.items
        .map((i) => ({
          ...i,
          checkId: i.kind === 'missing' ? 'missing' : (i.checkId ?? 'soft_check'),
        }))
        .filter(
          (i) =>
            subjects.has(i.subjectId) &&
            !liveKeys.has(`${i.subjectId}|${i.form}|${i.instance}|${i.path}|${i.checkId}`),
        );
      const unique = [
        ...new Map(
          items.map((i) => [`${i.subjectId}|${i.form}|${i.instance}|${i.path}|${i.checkId}`, i]),
        ).values(),
      ];
      if (unique.length === 0) return;
      const seqs = await nextSeqs(trx, unique.length * 2);
      const at = new Date().toISOString();
      const rows = unique.map((i, n) => ({
        ...i,
        id: randomUUID(),
        seq: seqs[n * 2]!,
        mseq: seqs[n * 2 + 1]!,
      }));
      const text = (i: (typeof rows)[number]) =>
        i.kind === 'missing'
          ? `${i.form} ${i.instance}: ${i.path} is required but missing. Please enter it or explain why it is not available.`
          : `${i.form} ${i.instance}: ${i.path} fails edit check ${i.checkId}. Please verify.`;
      await trx
        .insertInto('queries')
        .values(
          rows.map((i) => ({
            id: i.id,
            subject_id: i.subjectId,
            form: i.form,
            instance: i.instance,
            path: i.path,
            kind: i.kind,
            check_id: i.checkId,
            state: 'open' as const,
            raised_by: user.id,
            raised_at: at,
            closed_by: null,
            closed_at: null,
            rev: i.seq,
          })),
        )
        .execute();
      await trx
        .insertInto('query_messages')
        .values(
          rows.map((i) => ({
            id: randomUUID(),
            query_id: i.id,
            kind: 'raise' as const,
            author_id: user.id,
            at,
            client_time: null,
            text: text(i),
            rev: i.mseq,
          })),
        )
        .execute();
      await appendAudit(
        trx,
        rows.map((i) => ({
          event: 'query_raised',
          actor: actorOf(user),
          siteCode: subjects.get(i.subjectId)!.site_code,
          subjectId: i.subjectId,
          form: i.form,
          instance: i.instance,
          path: i.path,
          newValue: 'open',
          details: { queryId: i.id, kind: i.kind, checkId: i.checkId, text: text(i) },
        })),
      );
      raised = rows.length;
    });
    return { raised, skipped: body.items.length - raised };
  });
}
