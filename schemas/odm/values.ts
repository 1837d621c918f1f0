import type { AnyField, Point } from '../study/fields';

/**
 * Field values ↔ ODM `ItemData/@Value` strings. The stored JSON (schemas/README.md) maps to
 * one string per item; a cleared value (`null`) has no string and is written `IsNull="Yes"`.
 *
 * | field type     | ODM DataType | Value                                                    |
 * |----------------|--------------|----------------------------------------------------------|
 * | date           | date         | `2019-03-07` (ISO 8601, as stored)                       |
 * | text           | text         | the text, unchanged (newlines kept as character refs)    |
 * | integer        | integer      | `62`                                                     |
 * | number         | float        | decimal notation, never an exponent: `0.0000012`, `12.5` |
 * | code           | text         | the code (`TRG1`, `0`), with a CodeListRef               |
 * | multi          | text         | codes in answer order, comma-separated: `lung,peritoneum`|
 * | integer_list   | text         | integers in answer order, comma-separated: `0,150,800`   |
 * | point          | text         | `x,y` in decimal notation: `0.25,0.4`                    |
 *
 * ODM has no multi-select or list type: one text item with a documented separator keeps one
 * item per field (OpenClinica exports multi-select the same way). No code of the definition
 * contains a comma (a test holds that), so the encoding is unambiguous.
 */

/** The ODM DataType of a field's item. */
export function odmDataType(field: AnyField): 'date' | 'text' | 'integer' | 'float' {
  switch (field.type) {
    case 'date':
      return 'date';
    case 'integer':
      return 'integer';
    case 'number':
      return 'float';
    default:
      return 'text';
  }
}

/**
 * A number in decimal notation. ODM `float` is `xs:decimal`, which has no exponent, while
 * JavaScript prints `1e-7` and `1e+21`. The digits of the shortest round-trip form are
 * kept, so `Number(decimalString(n)) === n` for every finite n.
 */
export function decimalString(n: number): string {
  const s = String(n);
  const m = /^(-?)(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(s);
  if (!m) return s;
  const sign = m[1] as string;
  const digits = `${m[2] as string}${m[3] ?? ''}`;
  const exp = Number(m[4]);
  if (exp < 0) return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
  return `${sign}${digits}${'0'.repeat(exp + 1 - digits.length)}`;
}

/** The encoded value: a string, or null for a cleared value (`IsNull="Yes"`). */
export type EncodedValue = string | null;

const isPoint = (v: unknown): v is Point =>
  typeof v === 'object' &&
  v !== null &&
  typeof (v as Point).x === 'number' &&
  typeof (v as Point).y === 'number';

/**
 * Encode one stored value (for a per-lesion field: one lesion's entry). A value of another
 * shape than the field's (impossible for data that passed the server's checks) is written as
 * its JSON rather than dropped, so that an export never loses what the database holds; the
 * import then refuses it with the field's own message.
 */
export function encodeValue(field: AnyField, value: unknown): EncodedValue {
  if (value === null || value === undefined) return null;
  switch (field.type) {
    case 'date':
    case 'text':
    case 'code':
      if (typeof value === 'string') return value;
      break;
    case 'integer':
    case 'number':
      if (typeof value === 'number' && Number.isFinite(value)) return decimalString(value);
      break;
    case 'multi':
      if (Array.isArray(value) && value.every((c) => typeof c === 'string')) return value.join(',');
      break;
    case 'integer_list':
      if (Array.isArray(value) && value.every((n) => typeof n === 'number' && Number.isFinite(n)))
        return value.map(decimalString).join(',');
      break;
    case 'point':
      if (isPoint(value)) return `${decimalString(value.x)},${decimalString(value.y)}`;
      break;
  }
  return JSON.stringify(value);
}

export type DecodedValue =
  | { readonly ok: true; readonly value: unknown }
  | { readonly ok: false; readonly message: string };

const INTEGER = /^[+-]?\d+$/;
const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

function parseNumber(text: string, integer: boolean): number | undefined {
  const t = text.trim();
  if (!(integer ? INTEGER : NUMBER).test(t)) return undefined;
  const n = Number(t);
  return Number.isFinite(n) ? n : undefined;
}

/**
 * Decode an ItemData value (null: `IsNull="Yes"`) into the JSON the field stores. Only the
 * shape is checked here; ranges, codes and dates are the field's hard checks
 * (`validateFieldValue`), run by the import on the decoded value.
 */
export function decodeValue(field: AnyField, raw: EncodedValue): DecodedValue {
  if (raw === null) return { ok: true, value: null };
  const fail = (what: string): DecodedValue => ({
    ok: false,
    message: `${field.label}: "${raw}" is not ${what}`,
  });
  switch (field.type) {
    case 'date':
    case 'text':
    case 'code':
      return { ok: true, value: raw };
    case 'integer':
    case 'number': {
      const n = parseNumber(raw, field.type === 'integer');
      return n === undefined
        ? fail(field.type === 'integer' ? 'a whole number' : 'a number')
        : { ok: true, value: n };
    }
    case 'multi':
      return { ok: true, value: raw === '' ? [] : raw.split(',') };
    case 'integer_list': {
      if (raw === '') return { ok: true, value: [] };
      const parts = raw.split(',').map((p) => parseNumber(p, true));
      return parts.every((n) => n !== undefined)
        ? { ok: true, value: parts }
        : fail('a comma-separated list of whole numbers');
    }
    case 'point': {
      const parts = raw.split(',');
      const x = parts.length === 2 ? parseNumber(parts[0] as string, false) : undefined;
      const y = parts.length === 2 ? parseNumber(parts[1] as string, false) : undefined;
      return x === undefined || y === undefined
        ? fail('a point written "x,y"')
        : { ok: true, value: { x, y } };
    }
  }
}
