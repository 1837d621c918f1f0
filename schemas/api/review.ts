import * as z from 'zod';

/** Request contracts of the data-review API (queries, SDV, signatures, locks). */

const formKey = z.string().regex(/^[A-Z]{2,8}$/);
const instanceKey = z.string().regex(/^[A-Za-z0-9_-]{1,32}$/);
const fieldPath = z.string().regex(/^[a-z][a-z0-9_]{0,63}(\.[A-Za-z0-9_]{1,32})?$/);

export const raiseQuerySchema = z
  .object({
    subjectId: z.uuid(),
    form: formKey.optional(),
    instance: instanceKey.optional(),
    path: fieldPath.optional(),
    text: z.string().trim().min(1, 'Write the question').max(4000),
  })
  .refine(
    (q) =>
      (q.path === undefined || q.instance !== undefined) &&
      (q.instance === undefined || q.form !== undefined),
    {
      message: 'A field needs its form and instance',
    },
  );

export const queryActionSchema = z.object({
  action: z.enum(['comment', 'answer', 'close', 'reopen']),
  text: z.string().trim().min(1, 'Write a message').max(4000),
});

/** System queries raised in bulk from the missing-field / edit-check report. */
export const bulkQueriesSchema = z.object({
  items: z
    .array(
      z.object({
        subjectId: z.uuid(),
        form: formKey,
        instance: instanceKey,
        path: fieldPath,
        kind: z.enum(['missing', 'soft_check']),
        checkId: z.string().max(64).optional(),
      }),
    )
    .min(1)
    .max(2000),
});

/** What a monitor verifies: one field, a form instance, an event, or a whole casebook. */
export const verifySchema = z.object({
  subjectId: z.uuid(),
  form: formKey.optional(),
  instance: instanceKey.optional(),
  path: fieldPath.optional(),
  event: z.string().max(32).optional(),
});

export const SIGNATURE_MEANING =
  'I confirm that the data in this casebook are accurate and complete.';

export const signSchema = z.object({
  subjectId: z.uuid(),
  event: z.string().max(32).optional(),
  password: z.string().min(1, 'Enter your password to sign'),
  meaning: z.string().trim().min(1).max(500).default(SIGNATURE_MEANING),
});

export const lockSchema = z
  .object({
    subjectId: z.uuid(),
    form: formKey.optional(),
    instance: instanceKey.optional(),
    level: z.enum(['frozen', 'locked', 'unlocked']),
    reason: z.string().trim().max(2000).optional(),
  })
  .refine((l) => l.instance === undefined || l.form !== undefined, {
    message: 'An instance needs its form',
  })
  .refine((l) => l.level !== 'unlocked' || (l.reason ?? '').length > 0, {
    message: 'A reason is required to unlock',
    path: ['reason'],
  });
