import { isIsoDate } from '#schemas/study/dates';
import type { AnyField } from '#schemas/study/fields';

/**
 * From what the investigator types to the stored value and back. A text that cannot be
 * read is passed on unchanged (a string): the field's hard check then names the rule, and
 * the store keeps it as a visible draft — nothing typed is dropped.
 *
 * Dates are written and shown as `07-MAR-2019` (crf-spec.md §1), never as `03/07/2019`,
 * which a French and a US investigator read as different days: slash and dot forms with
 * numbers only are deliberately not accepted.
 */

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const FULL_MONTHS = [
  'JANUARY',
  'FEBRUARY',
  'MARCH',
  'APRIL',
  'MAY',
  'JUNE',
  'JULY',
  'AUGUST',
  'SEPTEMBER',
  'OCTOBER',
  'NOVEMBER',
  'DECEMBER',
];

const DAY_MONTH_YEAR = /^(\d{1,2})[\s\-./]*([A-Za-z]{3,9})\.?[\s\-./,]*(\d{4})$/;
const ISO = /^(\d{4})-(\d{1,2})-(\d{1,2})$/;

function monthNumber(name: string): number | undefined {
  const upper = name.toUpperCase();
  const short = MONTHS.indexOf(upper);
  if (short >= 0) return short + 1;
  const full = FULL_MONTHS.indexOf(upper);
  if (full >= 0) return full + 1;
  // "Sept" is common enough to accept.
  if (upper === 'SEPT') return 9;
  return undefined;
}

const pad = (n: number) => String(n).padStart(2, '0');

/**
 * `07-MAR-2019`, `7 mar 2019`, `7-March-2019`, `2019-03-07` → `2019-03-07`; anything
 * else (or a day that does not exist) → undefined.
 */
export function parseDate(text: string): string | undefined {
  const t = text.trim();
  let iso: string | undefined;
  const dmy = DAY_MONTH_YEAR.exec(t);
  if (dmy) {
    const month = monthNumber(dmy[2] as string);
    if (month !== undefined) iso = `${dmy[3]}-${pad(month)}-${pad(Number(dmy[1]))}`;
  } else {
    const m = ISO.exec(t);
    if (m) iso = `${m[1]}-${pad(Number(m[2]))}-${pad(Number(m[3]))}`;
  }
  return iso !== undefined && isIsoDate(iso) ? iso : undefined;
}

/** `2019-03-07` → `07-MAR-2019`; anything else unchanged. */
export function formatDateText(value: unknown): string {
  if (typeof value !== 'string') return value === undefined || value === null ? '' : String(value);
  if (!isIsoDate(value)) return value;
  return `${value.slice(8, 10)}-${MONTHS[Number(value.slice(5, 7)) - 1]}-${value.slice(0, 4)}`;
}

/** A number as typed: `12`, `12.5`, `12,5` (decimal comma), ` 1e3 ` → the number; else the text. */
export function parseNumber(text: string): number | string | null {
  const t = text.trim();
  if (t === '') return null;
  const normalised = /^[-+]?\d+,\d+$/.test(t) ? t.replace(',', '.') : t;
  if (!/^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(normalised)) return text;
  const n = Number(normalised);
  return Number.isFinite(n) ? n : text;
}

/** `0, 400, 800` (commas, semicolons or spaces) → [0, 400, 800]; unreadable → the text. */
export function parseIntegerList(text: string): number[] | string | null {
  const t = text.trim();
  if (t === '') return null;
  const parts = t.split(/[\s,;]+/).filter(Boolean);
  const out: number[] = [];
  for (const p of parts) {
    if (!/^[-+]?\d+$/.test(p)) return text;
    out.push(Number(p));
  }
  return out;
}

/** The value to store for what was typed into a text-like input of the field. */
export function parseInput(field: AnyField, text: string): unknown {
  switch (field.type) {
    case 'date':
      if (text.trim() === '') return null;
      return parseDate(text) ?? text;
    case 'integer':
    case 'number':
      return parseNumber(text);
    case 'integer_list':
      return parseIntegerList(text);
    default:
      return text === '' ? null : text;
  }
}

/** What a text-like input shows for a stored value (a draft shows as typed). */
export function formatInput(field: AnyField, value: unknown): string {
  if (value === undefined || value === null) return '';
  switch (field.type) {
    case 'date':
      return formatDateText(value);
    case 'integer_list':
      return Array.isArray(value) ? value.join(', ') : String(value);
    default:
      return typeof value === 'object' ? JSON.stringify(value) : String(value);
  }
}

/** Whether two values are the same answer (for merging outside changes into a form). */
export function sameValue(a: unknown, b: unknown): boolean {
  const norm = (v: unknown) => (v === undefined ? null : v);
  return JSON.stringify(norm(a)) === JSON.stringify(norm(b));
}
