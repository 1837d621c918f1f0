import type { FastifyInstance } from 'fastify';
import * as z from 'zod';
import { lockSchema } from '#schemas/api/review';
import type { AppDeps } from '../app';
import { appendAudit } from '../audit/writer';
import { requireAction } from '../auth/plugin';
import { nextSeqs, withWriteLock } from '../db/write-lock';
import { parseBody } from '../http/validate';
import { actorOf, subjectInScope } from '../review/subjects';

export async function lockRoutes(app: FastifyInstance, { db }: AppDeps): Promise<void> {
  /**
   * A data manager freezes (no data changes; queries go on), locks (nothing changes) or
   * unlocks (with a reason) a subject, a form or a form instance. The server refuses changes
   * to locked data whatever the client does (sync/push.ts).
   */
  app.post('/api/locks', async (req) => {
    const user = requireAction(req, 'lock.manage', 'lock or unlock data');
    const body = parseBody(lockSchema, req.body);
    const subject = await subjectInScope(db, user, body.subjectId);
    const form = body.form ?? '';
    const instance = body.instance ?? '';
    await withWriteLock(db, async (trx) => {
      const before = await trx
        .selectFrom('locks')
        .select('level')
        .where('subject_id', '=', subject.id)
        .where('form', '=', form)
        .where('instance', '=', instance)
        .executeTakeFirst();
      const [seq] = await nextSeqs(trx, 1);
      const at = new Date().toISOString();
      await trx
        .insertInto('locks')
        .values({
          subject_id: subject.id,
          form,
          instance,
          level: body.level,
          set_by: user.id,
          set_at: at,
          reason: body.reason ?? null,
          rev: seq!,
        })
        .onConflict((oc) =>
          oc.columns(['subject_id', 'form', 'instance']).doUpdateSet({
            level: body.level,
            set_by: user.id,
            set_at: at,
            reason: body.reason ?? null,
            rev: seq!,
          }),
        )
        .execute();
      await appendAudit(trx, [
        {
          event: body.level === 'unlocked' ? 'unlock' : body.level === 'frozen' ? 'freeze' : 'lock',
          actor: actorOf(user),
          siteCode: subject.site_code,
          subjectId: subject.id,
          form: body.form,
          instance: body.instance,
          oldValue: before?.level ?? 'unlocked',
          newValue: body.level,
          reason: body.reason,
        },
      ]);
    });
    return { level: body.level };
  });

  app.get('/api/locks', async (req) => {
    const user = requireAction(req, 'clinical.read', 'read locks');
    const { subjectId } = z.object({ subjectId: z.uuid() }).parse(req.query);
    await subjectInScope(db, user, subjectId);
    return {
      locks: await db.selectFrom('locks').selectAll().where('subject_id', '=', subjectId).execute(),
    };
  });
}
