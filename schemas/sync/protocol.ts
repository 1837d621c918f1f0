import * as z from 'zod';
import { siteCodeSchema } from '../access/roles';

/**
 * The sync contract between a device and the server (docs/sync-protocol.md).
 *
 * Every change made on a device is an *operation* with an id made on the device. The server
 * applies each op at most once (a unique key on op id), in the order the device made them,
 * and answers each with a result. Values are validated again on the server with the same
 * schemas the form used; nothing the client says about who, where or when is trusted beyond
 * what it is: the author must be the session's user, the site comes from the subject, and
 * the server's clock orders events (the device's capture time is kept beside it).
 */

/** A JSON value as stored in a field: string, number, boolean, null, arrays and objects. */
export type JsonValue =
  | string
  | number
  | boolean
  | null
  | JsonValue[]
  | { [key: string]: JsonValue };

// A lone UTF-16 surrogate (half of a pair): JSON can carry it, PostgreSQL cannot store it.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Why a string cannot be stored verbatim, or undefined when it can. PostgreSQL's text and
 * jsonb refuse the NUL character (U+0000), and a lone surrogate is not Unicode at all (the
 * driver would store U+FFFD instead): both are refused with a message rather than stored
 * altered or failing the whole request.
 */
export function unstorableTextProblem(s: string): string | undefined {
  if (s.includes('\u0000')) return 'Text must not contain the NUL character (U+0000).';
  if (LONE_SURROGATE.test(s)) return 'Text must be valid Unicode (a lone surrogate was found).';
  return undefined;
}

/** A string that PostgreSQL stores exactly as sent (see {@link unstorableTextProblem}). */
export const storableString = () =>
  z.string().superRefine((s, ctx) => {
    const problem = unstorableTextProblem(s);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

/**
 * Field values are small: at most two levels deep (per-lesion maps, lists) and a few hundred
 * parts (a map of 100 lesions). The limits leave room and keep a hostile value from costing
 * the server seconds of validation or its stack.
 */
export const JSON_MAX_DEPTH = 32;
export const JSON_MAX_NODES = 1_000;

/**
 * Whether a JSON value nests deeper or holds more parts (values, at any depth) than allowed,
 * found without recursion and stopping as soon as a limit is crossed.
 */
export function jsonSizeProblem(
  value: unknown,
  maxDepth = JSON_MAX_DEPTH,
  maxNodes = JSON_MAX_NODES,
): string | undefined {
  let nodes = 0;
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    nodes++;
    if (v === null || typeof v !== 'object') continue;
    if (depth + 1 > maxDepth) return `Value nests deeper than ${maxDepth} levels.`;
    for (const k in v) {
      if (nodes + stack.length >= maxNodes) return `Value has more than ${maxNodes} parts.`;
      stack.push([(v as Record<string, unknown>)[k], depth + 1]);
    }
  }
  return undefined;
}

/**
 * The first reason a JSON value cannot be stored — too deep or too large, or a string or
 * key that is not storable text, with where it is (`L1`, `0`) — found without recursion.
 */
export function jsonValueProblem(value: unknown): string | undefined {
  const size = jsonSizeProblem(value);
  if (size) return size;
  const stack: [unknown, string][] = [[value, '']];
  while (stack.length > 0) {
    const [v, at] = stack.pop()!;
    if (typeof v === 'string') {
      const p = unstorableTextProblem(v);
      if (p) return `${p.slice(0, -1)}${at ? ` (at ${at})` : ''}.`;
    } else if (v !== null && typeof v === 'object')
      for (const [k, child] of Object.entries(v)) {
        const p = unstorableTextProblem(k);
        if (p) return `${p.slice(0, -1)} (in a key${at ? ` at ${at}` : ''}).`;
        stack.push([child, at ? `${at}.${k}` : k]);
      }
  }
  return undefined;
}

const jsonValueInner: z.ZodType<JsonValue> = z.lazy(() =>
  z.union([
    storableString().max(20_000),
    z.number().finite(),
    z.boolean(),
    z.null(),
    z.array(jsonValueInner).max(500),
    z.record(storableString().max(64), jsonValueInner),
  ]),
);
// Size and text are checked first, without recursion: a value nested thousands deep would
// otherwise exhaust the stack of the recursive schema (a 500 instead of a 400), a huge one
// would hold the server for seconds, and a bad key deep in a value would surface only as
// the union's "Invalid input".
export const jsonValueSchema: z.ZodType<JsonValue> = z
  .unknown()
  .superRefine((v, ctx) => {
    const problem = jsonValueProblem(v);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  })
  .pipe(jsonValueInner);

export const formKeyPattern = /^[A-Z]{2,8}$/;
/** Instance keys: `1`, `baseline`/`preop`, `L1`…, `FU1`… (see schemas/study). */
export const instanceKeyPattern = /^[A-Za-z0-9_-]{1,32}$/;
/** A field path: the field key, or `key.L3` for a per-lesion entry. */
export const fieldPathPattern = /^[a-z][a-z0-9_]{0,63}(\.[A-Za-z0-9_]{1,32})?$/;

const common = {
  opId: z.uuid(),
  subjectId: z.uuid(),
  /** The user who made the change on the device; must equal the pushing session's user. */
  authorId: z.uuid(),
  deviceId: z.uuid(),
  /** Capture time on the device's clock, ISO 8601 with its offset (EMA 2023: kept, not trusted). */
  clientTime: z.iso.datetime({ offset: true }),
  /** The device's UTC offset in minutes at capture time (e.g. +540 in Tokyo). */
  clientTzOffsetMin: z.number().int().min(-840).max(840),
  /** Version of the CRF definition the device entered the value under. */
  defVersion: z.number().int().positive(),
};

/** A subject registered on a device, possibly offline; the server assigns `<site>-<NNN>`. */
export const createSubjectOpSchema = z.object({
  kind: z.literal('create_subject'),
  ...common,
  siteCode: siteCodeSchema,
  provisionalLabel: storableString().min(1).max(40),
});

/** A new value for one field of one form instance. */
export const setFieldOpSchema = z.object({
  kind: z.literal('set_field'),
  ...common,
  form: z.string().regex(formKeyPattern),
  instance: z.string().regex(instanceKeyPattern),
  path: z.string().regex(fieldPathPattern),
  value: jsonValueSchema,
  /** The server revision of this field the author last saw (0: never synced). */
  baseRev: z.number().int().min(0),
  /** Required when changing a value the server already holds (21 CFR 11.10(e)). */
  reason: storableString().trim().max(2000).nullable(),
  /** Set when this change settles a conflict the server reported (the conflict's id). */
  resolvesConflict: z.uuid().optional(),
});

/** A whole form instance (a lesion, a visit) marked entered in error, or restored. */
export const setInstanceStateOpSchema = z.object({
  kind: z.literal('set_instance_state'),
  ...common,
  form: z.string().regex(formKeyPattern),
  instance: z.string().regex(instanceKeyPattern),
  state: z.enum(['active', 'entered_in_error']),
  reason: storableString().trim().max(2000).nullable(),
});

/**
 * A site's answer to a data query, written offline like any other change. The op id is also
 * the message id. Any data correction travels as its own set_field op.
 */
export const answerQueryOpSchema = z.object({
  kind: z.literal('answer_query'),
  ...common,
  queryId: z.uuid(),
  text: storableString().trim().min(1, 'Write an answer').max(4000),
});

export const opSchema = z.discriminatedUnion('kind', [
  createSubjectOpSchema,
  setFieldOpSchema,
  setInstanceStateOpSchema,
  answerQueryOpSchema,
]);
export type Op = z.infer<typeof opSchema>;
export type CreateSubjectOp = z.infer<typeof createSubjectOpSchema>;
export type SetFieldOp = z.infer<typeof setFieldOpSchema>;
export type SetInstanceStateOp = z.infer<typeof setInstanceStateOpSchema>;
export type AnswerQueryOp = z.infer<typeof answerQueryOpSchema>;

export const PUSH_MAX_OPS = 500;

export const pushRequestSchema = z.object({
  deviceId: z.uuid(),
  /** The device's clock when sending: the server estimates (and flags) clock skew from it. */
  deviceTime: z.iso.datetime({ offset: true }).optional(),
  // Ops are validated one by one on the server so that one bad op does not sink its batch;
  // here only the envelope is checked.
  ops: z.array(z.unknown()).min(1).max(PUSH_MAX_OPS),
});
export type PushRequest = { deviceId: string; deviceTime?: string; ops: Op[] };

export const opStatusSchema = z.enum(['applied', 'duplicate', 'conflict', 'rejected']);
export type OpStatus = z.infer<typeof opStatusSchema>;

export const opResultSchema = z.object({
  opId: z.string(),
  status: opStatusSchema,
  /** HTTP-like code of this op's outcome: 200, 400 (invalid), 403 (scope/role), 409 (id reuse), 423 (locked). */
  code: z.number().int(),
  /** Machine-readable reason for a rejection (`invalid_value`, `forbidden`, `op_id_reused`, …). */
  error: z.string().optional(),
  /** For the person at the screen: names the field and the rule. */
  message: z.string().optional(),
  /** The field's server revision after this op (applied) or the winning one (conflict). */
  rev: z.number().int().optional(),
  /** The definitive subject label, once assigned. */
  subjectLabel: z.string().optional(),
  /** For a conflict: what the server kept. */
  conflictId: z.string().optional(),
  serverValue: jsonValueSchema.optional(),
});
export type OpResult = z.infer<typeof opResultSchema>;

export const pushResponseSchema = z.object({
  results: z.array(opResultSchema),
  serverTime: z.string(),
});
export type PushResponse = z.infer<typeof pushResponseSchema>;

export const PULL_MAX_LIMIT = 2000;

export const pullQuerySchema = z.object({
  cursor: z.coerce.number().int().min(0).default(0),
  /** The pulling device, for the site data-currency report. */
  deviceId: z.uuid().optional(),
  limit: z.coerce.number().int().min(1).max(PULL_MAX_LIMIT).default(1000),
});

/** A subject as devices see it. */
export const pulledSubjectSchema = z.object({
  id: z.string(),
  siteCode: z.string(),
  label: z.string(),
  provisionalLabel: z.string(),
  createdAt: z.string(),
  createdBy: z.string(),
  rev: z.number(),
});

/** The current value of one field, stamped with the change number that set it. */
export const pulledFieldSchema = z.object({
  subjectId: z.string(),
  form: z.string(),
  instance: z.string(),
  path: z.string(),
  value: jsonValueSchema,
  rev: z.number(),
  authorId: z.string(),
  updatedAt: z.string(),
});

export const pulledInstanceSchema = z.object({
  subjectId: z.string(),
  form: z.string(),
  instance: z.string(),
  state: z.enum(['active', 'entered_in_error']),
  rev: z.number(),
});

/** A data query (discrepancy note) on a field, a form or a subject. */
export const pulledQuerySchema = z.object({
  id: z.string(),
  subjectId: z.string(),
  form: z.string().nullable(),
  instance: z.string().nullable(),
  path: z.string().nullable(),
  kind: z.enum(['manual', 'missing', 'soft_check']),
  checkId: z.string().nullable(),
  state: z.enum(['open', 'answered', 'closed']),
  raisedAt: z.string(),
  rev: z.number(),
});

export const pulledQueryMessageSchema = z.object({
  id: z.string(),
  queryId: z.string(),
  kind: z.enum(['raise', 'answer', 'comment', 'close', 'reopen', 'auto_close']),
  author: z.string(),
  at: z.string(),
  text: z.string(),
  rev: z.number(),
});

export const pulledSdvSchema = z.object({
  subjectId: z.string(),
  form: z.string(),
  instance: z.string(),
  path: z.string(),
  state: z.enum(['verified', 'changed']),
  verifiedAt: z.string(),
  rev: z.number(),
});

export const pulledSignatureSchema = z.object({
  id: z.string(),
  subjectId: z.string(),
  event: z.string().nullable(),
  printedName: z.string(),
  meaning: z.string(),
  signedAt: z.string(),
  state: z.enum(['valid', 'void']),
  voidReason: z.string().nullable(),
  rev: z.number(),
});

export const pulledLockSchema = z.object({
  subjectId: z.string(),
  form: z.string(),
  instance: z.string(),
  level: z.enum(['frozen', 'locked', 'unlocked']),
  reason: z.string().nullable(),
  rev: z.number(),
});

/**
 * Changes since `cursor` for the subjects in the user's scope, oldest first. A fresh device
 * pulls from 0 and receives the current state of its whole scope. Keep pulling while
 * `hasMore`. `sites` lists the sites in scope now: a device drops subjects of other sites.
 */
export const pullResponseSchema = z.object({
  cursor: z.number(),
  hasMore: z.boolean(),
  serverTime: z.string(),
  sites: z.array(z.string()),
  subjects: z.array(pulledSubjectSchema),
  fields: z.array(pulledFieldSchema),
  instances: z.array(pulledInstanceSchema),
  queries: z.array(pulledQuerySchema),
  queryMessages: z.array(pulledQueryMessageSchema),
  sdv: z.array(pulledSdvSchema),
  signatures: z.array(pulledSignatureSchema),
  locks: z.array(pulledLockSchema),
});
export type PullResponse = z.infer<typeof pullResponseSchema>;
export type PulledField = z.infer<typeof pulledFieldSchema>;
export type PulledSubject = z.infer<typeof pulledSubjectSchema>;
export type PulledInstance = z.infer<typeof pulledInstanceSchema>;
export type PulledQuery = z.infer<typeof pulledQuerySchema>;
export type PulledQueryMessage = z.infer<typeof pulledQueryMessageSchema>;
export type PulledSdv = z.infer<typeof pulledSdvSchema>;
export type PulledSignature = z.infer<typeof pulledSignatureSchema>;
export type PulledLock = z.infer<typeof pulledLockSchema>;
