import { codeLabel } from '#schemas/study/codelists';
import { formatDate } from '#schemas/study/dates';
import type { AnyField } from '#schemas/study/fields';

/** A stored value as a person reads it: code labels, `07-MAR-2019` dates, lists. */
export function describeValue(
  field: AnyField | undefined,
  value: unknown,
  tx: (s: string) => string,
): string {
  if (value === null || value === undefined || value === '') return '—';
  if (!field) return typeof value === 'object' ? JSON.stringify(value) : String(value);
  switch (field.type) {
    case 'code':
      return tx(codeLabel(field.codeList, String(value)));
    case 'multi':
      return Array.isArray(value)
        ? value.map((v) => tx(codeLabel(field.codeList, String(v)))).join(', ')
        : String(value);
    case 'date':
      return typeof value === 'string' ? formatDate(value) : String(value);
    case 'integer_list':
      return Array.isArray(value) ? value.join(', ') : String(value);
    default:
      return typeof value === 'object' ? JSON.stringify(value) : String(value);
  }
}
