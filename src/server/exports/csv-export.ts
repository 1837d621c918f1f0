import { Zip, ZipDeflate } from 'fflate';
import type { Kysely } from 'kysely';
import type { Scope } from '#schemas/access/roles';
import { buildCasebook, type RawFormInstance } from '#schemas/rules/casebook';
import { deriveSubject } from '#schemas/rules/derive';
import { CODE_LISTS } from '#schemas/study/codelists';
import { csvCell, dataDictionaryCsv } from '#schemas/study/data-dictionary';
import { FORMS } from '#schemas/study/definition';
import type { AnyField } from '#schemas/study/fields';
import { instanceNumber } from '#schemas/study/instances';
import { FORM_KEYS, type FormKey, isFormKey } from '#schemas/study/keys';
import type { Database } from '../db/schema';
import { neutraliseCsvCell } from '../http/csv';
import { instancesBySubject } from '../study/casebook-rows';
import {
  type CsvFile,
  cellLabel,
  cellValue,
  derivedRows,
  FU_LESIONS_FILE,
  LESION_STATUS_FILE,
  LONG_FILE,
  type LongRow,
  PATIENT_SUMMARY_FILE,
  type WideRow,
  wideFile,
} from './csv-layout';
import { countSubjects, currentData, type SubjectRow, subjectPages } from './source';

/** UTF-8 byte order mark: Excel reads a CSV as UTF-8 only with it. */
const BOM = '\uFEFF';

/** One CSV line: formula-injection neutralised, RFC 4180 quoted, CRLF-terminated. */
export function csvLine(cells: readonly string[]): string {
  return `${cells.map((c) => csvCell(neutraliseCsvCell(c))).join(',')}\r\n`;
}

function header<R>(file: CsvFile<R>): string {
  return BOM + csvLine(file.columns.map((c) => c.name));
}

function rows<R>(file: CsvFile<R>, data: readonly R[]): string {
  let out = '';
  for (const r of data) out += csvLine(file.columns.map((c) => c.value(r)));
  return out;
}

const WIDE_FILES = FORM_KEYS.map((f) => [f, wideFile(f)] as const);

function instanceOrder(form: FormKey, instance: string): number {
  const repeat = FORMS[form].repeat;
  return repeat.kind === 'named' ? repeat.instances.indexOf(instance) : instanceNumber(instance);
}

function byFormThenInstance(a: RawFormInstance, b: RawFormInstance): number {
  return (
    FORM_KEYS.indexOf(a.form as FormKey) - FORM_KEYS.indexOf(b.form as FormKey) ||
    instanceOrder(a.form as FormKey, a.instance) - instanceOrder(b.form as FormKey, b.instance)
  );
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Lesion keys of a per-lesion map, in lesion order. */
function lesionsOf(value: unknown): string[] {
  return isRecord(value)
    ? Object.keys(value).sort((a, b) => instanceNumber(a) - instanceNumber(b))
    : [];
}

/** The README of the zip, generated from the same column definitions as the files. */
export function csvReadme(generatedAt: string, scope: string): string {
  const files: CsvFile<never>[] = [
    LONG_FILE,
    ...WIDE_FILES.map(([, f]) => f),
    FU_LESIONS_FILE,
    LESION_STATUS_FILE,
    PATIENT_SUMMARY_FILE,
  ] as CsvFile<never>[];
  const lines = [
    'DREAM eCRF — CSV export for statistical analysis',
    '',
    `Generated ${generatedAt} (UTC) for: ${scope}.`,
    '',
    'All files are UTF-8 with a byte order mark, comma-separated, RFC 4180 quoted, CRLF line ends.',
    'Dates are ISO 8601 (YYYY-MM-DD). Numbers use a decimal point and never an exponent.',
    'An empty cell is an unanswered or cleared field. Coded answers are given as codes with a',
    '<field>_label column beside them; multi-select answers as comma-separated codes, their',
    'labels, and one 1/0 column per code (<field>__<code>); template positions as <field>_x and',
    '<field>_y. Form instances entered in error are left out. A cell starting with = + - @ is',
    "prefixed with an apostrophe (') so that spreadsheets do not run it as a formula.",
    'Derived columns (classification, truth, evaluability, survival) are computed by the same',
    'rules as the application (schemas/rules), as of the export date.',
    '',
    'FILES',
    '',
    'README.txt — this description.',
    'data_dictionary.csv — every field of the CRF: form, key, label, type, unit, codes, when it is',
    '  required and shown, its checks (the same file as "Data dictionary" in the application).',
    'codelists.csv — every code list: list, order, code, label.',
  ];
  for (const f of files) {
    lines.push('', `${f.name} — ${f.rows}.`);
    for (const c of f.columns) lines.push(`  ${c.name}: ${c.description}`);
  }
  return `${lines.join('\r\n')}\r\n`;
}

export function codeListsCsv(): string {
  let out = `${BOM}${csvLine(['list', 'order', 'code', 'label'])}`;
  for (const list of CODE_LISTS)
    list.items.forEach((item, i) => {
      out += csvLine([list.id, String(i + 1), item.code, item.label]);
    });
  return out;
}

interface SubjectRows {
  long: LongRow[];
  wide: Map<FormKey, WideRow[]>;
  fuLesions: WideRow[];
  lesions: ReturnType<typeof derivedRows>['lesions'];
  patient: ReturnType<typeof derivedRows>['patient'];
}

/** Every CSV row of one subject. */
export function subjectRows(
  subject: SubjectRow,
  instances: RawFormInstance[],
  today: string,
): SubjectRows {
  const info = { label: subject.label, siteCode: subject.siteCode };
  const active = instances
    .filter((i) => i.state !== 'entered_in_error' && isFormKey(i.form))
    .sort(byFormThenInstance);
  const cb = buildCasebook(
    active,
    { subjectId: subject.label, siteCode: subject.siteCode },
    { today },
  );
  const derived = deriveSubject(cb);
  const out: SubjectRows = {
    long: [],
    wide: new Map(),
    fuLesions: [],
    ...derivedRows(info, derived, cb),
  };
  for (const inst of active) {
    const form = inst.form as FormKey;
    const def = FORMS[form];
    const lesionForm = def.repeat.kind === 'per_lesion';
    const row: WideRow = {
      subject: info,
      instance: inst.instance,
      lesion: undefined,
      values: inst.values,
      derived,
    };
    out.wide.set(form, [...(out.wide.get(form) ?? []), row]);
    const perLesionKeys = new Set<string>();
    for (const field of def.fields as readonly AnyField[]) {
      const value = inst.values[field.key];
      const entries: [string, unknown][] =
        field.perLesion === undefined
          ? [[lesionForm ? inst.instance : '', value]]
          : lesionsOf(value).map((l) => [l, (value as Record<string, unknown>)[l]]);
      for (const [lesion, v] of entries) {
        if (field.perLesion !== undefined) perLesionKeys.add(lesion);
        const cell = cellValue(field, v);
        if (cell === '') continue;
        out.long.push({
          subject: info.label,
          site: info.siteCode,
          event: def.event,
          form,
          instance: inst.instance,
          lesion,
          field: field.key,
          value: cell,
          valueLabel: cellLabel(field, v),
          itemLabel: field.label,
        });
      }
    }
    for (const lesion of [...perLesionKeys].sort((a, b) => instanceNumber(a) - instanceNumber(b)))
      out.fuLesions.push({ ...row, lesion });
  }
  return out;
}

export interface CsvExport {
  readonly subjectCount: number;
  /** The zip, a subject page at a time. */
  readonly chunks: AsyncIterable<Uint8Array>;
}

/**
 * The statisticians' zip, streamed. long.csv is written through as the pages are read; the
 * other files are compressed as they grow and fflate holds their compressed bytes until
 * their turn in the archive — a small fraction of the data, never the uncompressed study.
 */
export async function csvExport(
  db: Kysely<Database>,
  opts: { scope: Scope; scopeText: string; now?: Date; pageSize?: number },
): Promise<CsvExport> {
  const now = opts.now ?? new Date();
  const today = now.toISOString().slice(0, 10);
  const subjectCount = await countSubjects(db, opts.scope);

  async function* chunks(): AsyncGenerator<Uint8Array> {
    const queue: Uint8Array[] = [];
    let failure: Error | undefined;
    const zip = new Zip((err, data) => {
      if (err) failure = err;
      else queue.push(data);
    });
    const encoder = new TextEncoder();
    const add = (name: string) => {
      const f = new ZipDeflate(name, { level: 6 });
      f.mtime = now;
      zip.add(f);
      return { push: (text: string, final = false) => f.push(encoder.encode(text), final) };
    };
    add('README.txt').push(csvReadme(now.toISOString(), opts.scopeText), true);
    add('data_dictionary.csv').push(BOM + dataDictionaryCsv(), true);
    add('codelists.csv').push(codeListsCsv(), true);
    const long = add(LONG_FILE.name);
    const wide = new Map(WIDE_FILES.map(([form, file]) => [form, { file, out: add(file.name) }]));
    const fuLesions = add(FU_LESIONS_FILE.name);
    const lesionStatus = add(LESION_STATUS_FILE.name);
    const patients = add(PATIENT_SUMMARY_FILE.name);
    long.push(header(LONG_FILE));
    for (const w of wide.values()) w.out.push(header(w.file));
    fuLesions.push(header(FU_LESIONS_FILE));
    lesionStatus.push(header(LESION_STATUS_FILE));
    patients.push(header(PATIENT_SUMMARY_FILE));

    for await (const page of subjectPages(db, opts.scope, opts.pageSize ?? 50)) {
      const data = await currentData(
        db,
        page.map((s) => s.id),
      );
      const grouped = instancesBySubject(
        page.flatMap((s) =>
          (data.get(s.id)?.values ?? []).map((v) => ({
            subject_id: s.id,
            ...v,
            value: v.value as never,
          })),
        ),
        page.flatMap((s) =>
          (data.get(s.id)?.instances ?? []).map((i) => ({ subject_id: s.id, ...i })),
        ),
      );
      const perPage = {
        long: '',
        wide: new Map<FormKey, string>(),
        fuLesions: '',
        lesions: '',
        patients: '',
      };
      for (const s of page) {
        const r = subjectRows(s, grouped.get(s.id) ?? [], today);
        perPage.long += rows(LONG_FILE, r.long);
        for (const [form, list] of r.wide)
          perPage.wide.set(
            form,
            (perPage.wide.get(form) ?? '') +
              rows((wide.get(form) as { file: CsvFile<WideRow> }).file, list),
          );
        perPage.fuLesions += rows(FU_LESIONS_FILE, r.fuLesions);
        perPage.lesions += rows(LESION_STATUS_FILE, r.lesions);
        perPage.patients += rows(PATIENT_SUMMARY_FILE, [r.patient]);
      }
      long.push(perPage.long);
      for (const [form, text] of perPage.wide) wide.get(form)?.out.push(text);
      fuLesions.push(perPage.fuLesions);
      lesionStatus.push(perPage.lesions);
      patients.push(perPage.patients);
      if (failure) throw failure;
      yield* queue.splice(0);
    }
    long.push('', true);
    for (const w of wide.values()) w.out.push('', true);
    fuLesions.push('', true);
    lesionStatus.push('', true);
    patients.push('', true);
    zip.end();
    if (failure) throw failure;
    yield* queue.splice(0);
  }

  return { subjectCount, chunks: chunks() };
}
