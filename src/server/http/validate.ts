import type * as z from 'zod';
import { HttpError } from './errors';

/** One problem with a request body, naming the field and the rule it broke. */
export interface FieldIssue {
  field: string;
  message: string;
}

export function issuesOf(error: z.ZodError): FieldIssue[] {
  return error.issues.map((i) => ({ field: i.path.join('.'), message: i.message }));
}

/** Parses a request body with a shared schema, or throws a 400 listing every bad field. */
export function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.output<S> {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const issues = issuesOf(result.error);
  throw new HttpError(
    400,
    'invalid_request',
    issues.map((i) => (i.field ? `${i.field}: ${i.message}` : i.message)).join('; '),
    { issues },
  );
}
