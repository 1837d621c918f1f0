/**
 * Calendar dates as ISO 8601 `YYYY-MM-DD` strings, computed in whole UTC days so that the
 * result never depends on the time zone of the device (a date is a calendar day, not an
 * instant). Nothing here reads the clock: `today` is always passed in.
 */

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const MS_PER_DAY = 86_400_000;
const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];

/** Years accepted in a date: anything outside is a typing error, not a clinical date. */
export const MIN_YEAR = 1900;
export const MAX_YEAR = 2099;

/** Day number (days since 1970-01-01) of a real calendar date, or undefined. */
export function dayNumber(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const m = ISO_DATE.exec(value);
  if (!m) return undefined;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  if (y < MIN_YEAR || y > MAX_YEAR || mo < 1 || mo > 12 || d < 1) return undefined;
  const ms = Date.UTC(y, mo - 1, d);
  // Date.UTC rolls 2019-02-30 over to March: reject anything that did not stay in its month.
  if (new Date(ms).getUTCDate() !== d) return undefined;
  return ms / MS_PER_DAY;
}

/** Whether the value is a real calendar date written `YYYY-MM-DD` (years 1900–2099). */
export function isIsoDate(value: unknown): value is string {
  return dayNumber(value) !== undefined;
}

/** Whole days from `from` to `to` (positive when `to` is later). Both must be valid dates. */
export function daysBetween(from: string, to: string): number {
  return (dayNumber(to) as number) - (dayNumber(from) as number);
}

/** The date `days` days after `iso` (negative: before). */
export function addDays(iso: string, days: number): string {
  return new Date(((dayNumber(iso) as number) + days) * MS_PER_DAY).toISOString().slice(0, 10);
}

/** The latest of the given dates, ignoring missing ones (ISO dates sort as text). */
export function latestDate(...dates: readonly (string | undefined)[]): string | undefined {
  let latest: string | undefined;
  for (const d of dates) if (d !== undefined && (latest === undefined || d > latest)) latest = d;
  return latest;
}

/**
 * `2019-03-07` → `07-MAR-2019`: the unambiguous display format of crf-spec.md §1 (never
 * `03/07/2019`, which a French and a US investigator read as different days). A value that
 * is not an ISO date is returned unchanged, so that a draft still shows what was typed.
 */
export function formatDate(iso: string): string {
  if (!isIsoDate(iso)) return iso;
  return `${iso.slice(8, 10)}-${MONTHS[Number(iso.slice(5, 7)) - 1]}-${iso.slice(0, 4)}`;
}
