import { type RawBuilder, sql } from 'kysely';
import type { JsonValue } from '#schemas/sync/protocol';

/**
 * A JSON value as a jsonb parameter. Sent as text and cast, because the two drivers encode
 * untyped JS parameters differently (pg turns arrays into PostgreSQL arrays).
 */
export function jsonb(value: JsonValue): RawBuilder<JsonValue> {
  return sql<JsonValue>`CAST(${JSON.stringify(value)}::text AS jsonb)`;
}

export function jsonbOrNull(value: JsonValue | null | undefined): RawBuilder<JsonValue | null> {
  return value === undefined || value === null
    ? sql<null>`NULL::jsonb`
    : (jsonb(value) as RawBuilder<JsonValue | null>);
}
