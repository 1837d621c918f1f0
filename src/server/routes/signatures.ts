import { randomUUID } from 'node:crypto';
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';
import * as z from 'zod';
import { signSchema } from '#schemas/api/review';
import type { AppDeps } from '../app';
import { auditSystemEvent } from '../audit/system-events';
import { appendAudit } from '../audit/writer';
import { verifyPassword } from '../auth/passwords';
import { requireAction } from '../auth/plugin';
import { nextSeqs, withWriteLock } from '../db/write-lock';
import { HttpError } from '../http/errors';
import { parseBody } from '../http/validate';
import { actorOf, subjectInScope } from '../review/subjects';

export async function signatureRoutes(app: FastifyInstance, { db }: AppDeps): Promise<void> {
  await app.register(async (scoped) => {
    await scoped.register(rateLimit, { global: false });
    /**
     * 21 CFR Part 11 §11.50/§11.200: the principal investigator signs with their password
     * re-entered (two components: the session's identity and the password), the signature
     * records the printed name, time and meaning, and is linked to the data it covers (any
     * later change voids it — see review/after-apply.ts). Online only: the server must
     * check the password.
     */
    scoped.post(
      '/api/signatures',
      {
        config: {
          rateLimit: {
            hook: 'preHandler',
            max: 5,
            timeWindow: 60_000,
            keyGenerator: (req) => `sign|${req.user?.id ?? req.ip}`,
            errorResponseBuilder: () =>
              new HttpError(429, 'rate_limited', 'Too many signing attempts. Wait a minute.'),
          },
        },
      },
      async (req, reply) => {
        const user = requireAction(req, 'casebook.sign', 'sign casebooks');
        const body = parseBody(signSchema, req.body);
        const subject = await subjectInScope(db, user, body.subjectId);
        const row = await db
          .selectFrom('users')
          .select('password_hash')
          .where('id', '=', user.id)
          .executeTakeFirstOrThrow();
        if (!(await verifyPassword(row.password_hash, body.password))) {
          await auditSystemEvent(db, {
            event: 'signature_failed',
            actor: actorOf(user),
            siteCode: subject.site_code,
            subjectId: subject.id,
            details: { reason: 'wrong_password', event: body.event ?? null },
          });
          throw new HttpError(
            400,
            'wrong_password',
            'Password incorrect: the casebook was not signed.',
            {
              issues: [
                { field: 'password', message: 'Password incorrect: the casebook was not signed.' },
              ],
            },
          );
        }
        const id = randomUUID();
        const signedAt = new Date().toISOString();
        await withWriteLock(db, async (trx) => {
          const [seq] = await nextSeqs(trx, 1);
          await trx
            .insertInto('signatures')
            .values({
              id,
              subject_id: subject.id,
              event: body.event ?? null,
              signer_id: user.id,
              printed_name: user.displayName,
              meaning: body.meaning,
              signed_at: signedAt,
              state: 'valid',
              voided_at: null,
              void_reason: null,
              void_audit_id: null,
              rev: seq!,
            })
            .execute();
          await appendAudit(trx, [
            {
              event: 'signature',
              actor: actorOf(user),
              siteCode: subject.site_code,
              subjectId: subject.id,
              newValue: 'valid',
              details: {
                signatureId: id,
                printedName: user.displayName,
                meaning: body.meaning,
                event: body.event ?? null,
              },
            },
          ]);
        });
        return reply
          .code(201)
          .send({ id, printedName: user.displayName, signedAt, meaning: body.meaning });
      },
    );
  });

  app.get('/api/signatures', async (req) => {
    const user = requireAction(req, 'clinical.read', 'read signatures');
    const { subjectId } = z.object({ subjectId: z.uuid() }).parse(req.query);
    await subjectInScope(db, user, subjectId);
    return {
      signatures: await db
        .selectFrom('signatures')
        .selectAll()
        .where('subject_id', '=', subjectId)
        .orderBy('signed_at', 'desc')
        .execute(),
    };
  });
}
