import { instanceKeyProblem } from '#schemas/study/instances';
import { isFormKey } from '#schemas/study/keys';
import { validateFieldValue } from '#schemas/study/schemas';
import type { SetFieldOp, SetInstanceStateOp } from '#schemas/sync/protocol';

/**
 * Why a pushed op's target or value is not acceptable, or undefined when it is: the same
 * zod schemas (from schemas/study) that validate the form in the browser, so that the
 * message the server sends back is the one the form would have shown.
 * `today` is the server's UTC date, for "not in the future" checks.
 */
export function validateOpTarget(
  op: SetFieldOp | SetInstanceStateOp,
  today: string,
): string | undefined {
  if (!isFormKey(op.form)) return `Unknown form "${op.form}"`;
  const instanceProblem = instanceKeyProblem(op.form, op.instance);
  if (instanceProblem) return instanceProblem;
  if (op.kind === 'set_instance_state') return undefined;
  const result = validateFieldValue(op.form, op.path, op.value, { today });
  return result.ok ? undefined : result.message;
}
