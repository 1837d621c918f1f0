import { describeHardChecks } from './checks';
import { conditionToString } from './conditions';
import { STUDY } from './definition';
import type { AnyField } from './fields';
import type { FormDef } from './form';
import { softChecksOf } from './soft-checks';

/**
 * The data dictionary: one row per field of the definition, generated (never edited by
 * hand), for download as CSV and for the dictionary page.
 */
export interface DictionaryRow {
  readonly form: string;
  readonly key: string;
  readonly label: string;
  readonly type: string;
  readonly unit: string;
  /** `code=label|code=label`. */
  readonly codes: string;
  /** `yes`, `no`, or `yes, if <condition>`. */
  readonly required: string;
  /** When the field is shown (readable condition language), empty when always. */
  readonly condition: string;
  /** Hard checks, then soft checks as `ID: rule`, separated by `; `. */
  readonly checks: string;
  readonly help: string;
  readonly notes: string;
}

export const DICTIONARY_COLUMNS = [
  'form',
  'key',
  'label',
  'type',
  'unit',
  'codes',
  'required',
  'condition',
  'checks',
  'help',
  'notes',
] as const satisfies readonly (keyof DictionaryRow)[];

function rowOf(form: FormDef, field: AnyField): DictionaryRow {
  const codes =
    field.type === 'code' || field.type === 'multi'
      ? field.codeList.items.map((i) => `${i.code}=${i.label}`).join('|')
      : '';
  const shown: string[] = [];
  if (field.perLesion === 'left_in_place')
    shown.push('one entry per lesion left in place (IOLES management = left_in_place)');
  if (field.showIf) shown.push(`shown if ${conditionToString(field.showIf)}`);
  let required = field.required ? 'yes' : 'no';
  if (field.required && field.requiredIf)
    required = `yes, if ${conditionToString(field.requiredIf)}`;
  const checks = [
    ...describeHardChecks(field),
    ...softChecksOf(form.key, field.key).map((c) => `${c.id}: ${c.rule}`),
  ];
  const notes: string[] = [];
  if (field.assigned) notes.push('assigned by the application');
  if (field.extra) notes.push('not listed in crf-spec.md §3; implied by it');
  return {
    form: form.key,
    key: field.key,
    label: field.label,
    type: field.type,
    unit: field.unit ?? '',
    codes,
    required,
    condition: shown.join('; '),
    checks: checks.join('; '),
    help: field.help ?? '',
    notes: notes.join('; '),
  };
}

/** One row per field, in form then field order. */
export function dataDictionaryRows(): DictionaryRow[] {
  return STUDY.forms.flatMap((form) => form.fields.map((field) => rowOf(form, field)));
}

/** RFC 4180 quoting: quote a cell holding a comma, quote, CR or LF; double its quotes. */
export function csvCell(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/** The dictionary as RFC 4180 CSV text (header row, CRLF line ends, UTF-8, no BOM). */
export function dataDictionaryCsv(rows: readonly DictionaryRow[] = dataDictionaryRows()): string {
  const lines = [DICTIONARY_COLUMNS.join(',')];
  for (const row of rows) lines.push(DICTIONARY_COLUMNS.map((c) => csvCell(row[c])).join(','));
  return `${lines.join('\r\n')}\r\n`;
}
