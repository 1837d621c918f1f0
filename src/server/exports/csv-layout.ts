import { isAnalysed, patientRecord } from '#schemas/endpoints/records';
import { decimalString, encodeValue } from '#schemas/odm/values';
import type { LesionDerived, SubjectDerived } from '#schemas/rules/derive';
import type { SurvivalTime } from '#schemas/rules/survival';
import { codeLabel } from '#schemas/study/codelists';
import { FORMS, STUDY } from '#schemas/study/definition';
import type { AnyField } from '#schemas/study/fields';
import type { FormDef } from '#schemas/study/form';
import type { FormKey } from '#schemas/study/keys';

/**
 * The statisticians' CSV files: which files, which columns, what each column holds. The zip
 * writer (csv-export.ts) fills them and README.txt is generated from the same definitions,
 * so the documentation cannot drift from the files.
 *
 * Values are the stored answers: ISO dates, codes as stored with a `_label` column beside
 * them, numbers in decimal notation, multi-select codes comma-separated plus one 1/0 column
 * per code, list values comma-separated, template points as `_x` / `_y`. An empty cell is
 * an unanswered (or cleared) field. Derived columns come from schemas/rules, never
 * recomputed here.
 */

export interface CsvColumn<R> {
  readonly name: string;
  readonly description: string;
  readonly value: (row: R) => string;
}

export interface CsvFile<R> {
  readonly name: string;
  readonly rows: string;
  readonly columns: readonly CsvColumn<R>[];
}

export interface SubjectInfo {
  readonly label: string;
  readonly siteCode: string;
}

/** One form instance (or one lesion entry of FU) of one subject, its stored values. */
export interface WideRow {
  readonly subject: SubjectInfo;
  readonly instance: string;
  readonly lesion: string | undefined;
  readonly values: Readonly<Record<string, unknown>>;
  readonly derived: SubjectDerived;
}

export interface LongRow {
  readonly subject: string;
  readonly site: string;
  readonly event: string;
  readonly form: string;
  readonly instance: string;
  readonly lesion: string;
  readonly field: string;
  readonly value: string;
  readonly valueLabel: string;
  readonly itemLabel: string;
}

export interface LesionRow {
  readonly subject: SubjectInfo;
  readonly lesion: LesionDerived;
  readonly analysed: boolean;
}

export interface PatientRow {
  readonly subject: SubjectInfo;
  readonly derived: SubjectDerived;
  readonly analysed: boolean;
  readonly surgery: string;
}

const yesNo = (b: boolean | undefined) => (b === undefined ? '' : b ? 'yes' : 'no');

/** The stored value as a cell: the ODM encoding of schemas/odm, empty when unanswered. */
export function cellValue(field: AnyField, value: unknown): string {
  return encodeValue(field, value) ?? '';
}

/** The code list label(s) of a code or multi-select answer, empty otherwise. */
export function cellLabel(field: AnyField, value: unknown): string {
  if (field.type === 'code' && typeof value === 'string') return codeLabel(field.codeList, value);
  if (field.type === 'multi' && Array.isArray(value))
    return value.map((c) => codeLabel(field.codeList, String(c))).join('; ');
  return '';
}

function fieldDescription(field: AnyField): string {
  return `${field.label}${field.unit ? ` (${field.unit})` : ''}`;
}

/** The columns of one field in a wide file. */
export function fieldColumns(field: AnyField): CsvColumn<WideRow>[] {
  const raw = (r: WideRow) => {
    const v = r.values[field.key];
    if (field.perLesion === undefined || r.lesion === undefined) return v;
    return typeof v === 'object' && v !== null
      ? (v as Record<string, unknown>)[r.lesion]
      : undefined;
  };
  const k = field.key;
  switch (field.type) {
    case 'code':
      return [
        {
          name: k,
          description: `${fieldDescription(field)}: code`,
          value: (r) => cellValue(field, raw(r)),
        },
        {
          name: `${k}_label`,
          description: `${field.label}: label of the code`,
          value: (r) => cellLabel(field, raw(r)),
        },
      ];
    case 'multi':
      return [
        {
          name: k,
          description: `${fieldDescription(field)}: codes, comma-separated`,
          value: (r) => cellValue(field, raw(r)),
        },
        {
          name: `${k}_label`,
          description: `${field.label}: labels, separated by "; "`,
          value: (r) => cellLabel(field, raw(r)),
        },
        ...field.codeList.items.map((item) => ({
          name: `${k}__${item.code}`,
          description: `${field.label}: 1 if "${item.label}" is selected, 0 if not, empty if unanswered`,
          value: (r: WideRow) => {
            const v = raw(r);
            return Array.isArray(v) ? (v.includes(item.code) ? '1' : '0') : '';
          },
        })),
      ];
    case 'point':
      return (['x', 'y'] as const).map((axis) => ({
        name: `${k}_${axis}`,
        description: `${field.label}: ${axis} on the liver template (0–1, origin top left)`,
        value: (r: WideRow) => {
          const v = raw(r) as { x?: unknown; y?: unknown } | null | undefined;
          const n = v?.[axis];
          return typeof n === 'number' ? decimalString(n) : '';
        },
      }));
    case 'integer_list':
      return [
        {
          name: k,
          description: `${fieldDescription(field)}: whole numbers, comma-separated`,
          value: (r) => cellValue(field, raw(r)),
        },
      ];
    default:
      return [
        {
          name: k,
          description: `${fieldDescription(field)}${field.type === 'date' ? ': date (YYYY-MM-DD)' : ''}`,
          value: (r) => cellValue(field, raw(r)),
        },
      ];
  }
}

const subjectColumns: CsvColumn<{ subject: SubjectInfo }>[] = [
  {
    name: 'subject',
    description: 'Subject label (site code - number), e.g. FR01-007',
    value: (r) => r.subject.label,
  },
  { name: 'site', description: 'Site code', value: (r) => r.subject.siteCode },
];

function keyColumn(form: FormDef): CsvColumn<WideRow>[] {
  switch (form.repeat.kind) {
    case 'once':
      return [];
    case 'named':
      return [
        {
          name: 'instance',
          description: `Which ${form.label.toLowerCase()}: ${form.repeat.instances.join(' or ')}`,
          value: (r) => r.instance,
        },
      ];
    case 'per_lesion':
      return [
        {
          name: 'lesion',
          description: 'Lesion number (L1, L2 …), the same in LES, IOLES and PATH',
          value: (r) => r.instance,
        },
      ];
    case 'visit':
      return [
        {
          name: 'visit',
          description: 'Follow-up visit number (FU1, FU2 …)',
          value: (r) => r.instance,
        },
      ];
  }
}

const RULES = 'derived by schemas/rules';

/** The wide file of a form: one row per subject, lesion or visit; FU's per-lesion answers apart. */
export function wideFile(form: FormKey): CsvFile<WideRow> {
  const def = FORMS[form] as FormDef;
  const fields = (def.fields as readonly AnyField[]).filter((f) => f.perLesion === undefined);
  const derived: CsvColumn<WideRow>[] =
    form === 'LES'
      ? [
          {
            name: 'classification',
            description: `Lesion class (${RULES}): non_dlm, cdlm, non_cdlm, dlm_unconfirmed, new_or_unknown`,
            value: (r) =>
              r.derived.lesions.find((l) => l.lesion === r.instance)?.classification.class ?? '',
          },
        ]
      : [];
  const rows = {
    once: 'one row per subject with this form',
    named: 'one row per subject and examination',
    per_lesion: 'one row per lesion',
    visit: 'one row per follow-up visit',
  }[def.repeat.kind];
  return {
    name: `${form}.csv`,
    rows: `${def.label}: ${rows}`,
    columns: [...subjectColumns, ...keyColumn(def), ...fields.flatMap(fieldColumns), ...derived],
  };
}

/** FU answers given per lesion left in place: one row per visit and lesion. */
export const FU_LESIONS_FILE: CsvFile<WideRow> = {
  name: 'FU_lesions.csv',
  rows: 'Follow-up answers per lesion left in place: one row per visit and lesion',
  columns: [
    ...subjectColumns,
    { name: 'visit', description: 'Follow-up visit number (FU1, FU2 …)', value: (r) => r.instance },
    { name: 'lesion', description: 'Lesion number (as in LES)', value: (r) => r.lesion ?? '' },
    ...(FORMS.FU.fields as readonly AnyField[])
      .filter((f) => f.perLesion !== undefined)
      .flatMap(fieldColumns),
  ],
};

export const LONG_FILE: CsvFile<LongRow> = {
  name: 'long.csv',
  rows: 'Every stored answer: one row per subject, form instance and field (per lesion for FU lesion answers)',
  columns: [
    { name: 'subject', description: 'Subject label', value: (r) => r.subject },
    { name: 'site', description: 'Site code', value: (r) => r.site },
    {
      name: 'event',
      description: `Event (visit) key: ${STUDY.events.map((e) => e.key).join(', ')}`,
      value: (r) => r.event,
    },
    {
      name: 'form',
      description: `Form key: ${STUDY.forms.map((f) => f.key).join(', ')}`,
      value: (r) => r.form,
    },
    {
      name: 'instance',
      description:
        'Form instance: 1 (once-only forms), baseline/preop (IMGEX), L1… (lesion forms), FU1… (visits)',
      value: (r) => r.instance,
    },
    {
      name: 'lesion',
      description: 'Lesion number for lesion forms and FU lesion answers, else empty',
      value: (r) => r.lesion,
    },
    { name: 'field', description: 'Field key (see data_dictionary.csv)', value: (r) => r.field },
    {
      name: 'value',
      description:
        'Stored value (encodings as in the wide files; multi-select and lists comma-separated, points "x,y")',
      value: (r) => r.value,
    },
    {
      name: 'value_label',
      description: 'Code list label(s) of a coded value, else empty',
      value: (r) => r.valueLabel,
    },
    {
      name: 'item_label',
      description: 'Field label as shown on the form',
      value: (r) => r.itemLabel,
    },
  ],
};

const survival = (
  prefix: string,
  what: string,
  get: (r: PatientRow) => SurvivalTime | undefined,
): CsvColumn<PatientRow>[] => [
  {
    name: `${prefix}_days`,
    description: `${what}: days from hepatic surgery (empty when not computable) (${RULES})`,
    value: (r) => String(get(r)?.days ?? ''),
  },
  {
    name: `${prefix}_event`,
    description: `${what}: 1 = event, 0 = censored`,
    value: (r) => {
      const s = get(r);
      return s ? (s.event ? '1' : '0') : '';
    },
  },
  {
    name: `${prefix}_date`,
    description: `${what}: date of the event or of censoring`,
    value: (r) => get(r)?.date ?? '',
  },
];

export const LESION_STATUS_FILE: CsvFile<LesionRow> = {
  name: 'lesion_status.csv',
  rows: `Derived status of every lesion (${RULES}, as on the derived-status panel): one row per lesion`,
  columns: [
    ...subjectColumns,
    { name: 'lesion', description: 'Lesion number', value: (r) => r.lesion.lesion },
    {
      name: 'classification',
      description: 'non_dlm, cdlm, non_cdlm, dlm_unconfirmed or new_or_unknown',
      value: (r) => r.lesion.classification.class,
    },
    {
      name: 'is_dlm',
      description: 'yes for cdlm, non_cdlm and dlm_unconfirmed (disappeared on CT)',
      value: (r) => yesNo(r.lesion.classification.isDlm),
    },
    {
      name: 'visible_on',
      description:
        'For a DLM: MRI sequences still showing the lesion (DW, T1, T2, CE), separated by "; "',
      value: (r) => r.lesion.classification.visibleOn.join('; '),
    },
    {
      name: 'missing_sequences',
      description: 'For a DLM: sequences not done or unanswered, which block confirmation',
      value: (r) => r.lesion.classification.missingSequences.join('; '),
    },
    {
      name: 'classification_reason',
      description: 'Why the lesion has its class, in words',
      value: (r) => r.lesion.classification.reason,
    },
    {
      name: 'management',
      description: 'Management at surgery (IOLES): resected, left_in_place, ablated',
      value: (r) => r.lesion.management ?? '',
    },
    {
      name: 'truth',
      description: 'Reference-standard truth: nonviable, viable, pending, not_evaluable',
      value: (r) => r.lesion.truth.status,
    },
    {
      name: 'truth_basis',
      description: 'pathology or follow_up',
      value: (r) => r.lesion.truth.basis ?? '',
    },
    {
      name: 'not_identified',
      description:
        'yes when nonviable because not found after 1-mm sectioning (for sensitivity analyses)',
      value: (r) => yesNo(r.lesion.truth.notIdentified),
    },
    {
      name: 'truth_reason',
      description: 'Why the truth is what it is, in words',
      value: (r) => r.lesion.truth.reason,
    },
    {
      name: 'evaluability',
      description: 'evaluable, not_evaluable or pending',
      value: (r) => r.lesion.evaluability.status,
    },
    {
      name: 'evaluability_failing',
      description:
        'The first criterion not met (else the first unknown): dlm, mri_protocol, surgery_window, reference_standard',
      value: (r) => r.lesion.evaluability.failing?.name ?? '',
    },
    {
      name: 'evaluability_failing_status',
      description: 'not_met or unknown',
      value: (r) => r.lesion.evaluability.failing?.status ?? '',
    },
    {
      name: 'evaluability_failing_reason',
      description: 'The failing criterion, in words',
      value: (r) => r.lesion.evaluability.failing?.reason ?? '',
    },
    {
      name: 'primary_endpoint',
      description: 'yes when the lesion counts for the primary end point (evaluable cDLM)',
      value: (r) => yesNo(r.lesion.evaluability.primary),
    },
    {
      name: 'analysed',
      description:
        "yes when the lesion's patient is in the analysis population (enrolled and operated), as on the dashboard",
      value: (r) => yesNo(r.analysed),
    },
  ],
};

export const PATIENT_SUMMARY_FILE: CsvFile<PatientRow> = {
  name: 'patient_summary.csv',
  rows: `Per-patient summary (${RULES}): one row per subject`,
  columns: [
    ...subjectColumns,
    {
      name: 'registration_eligibility',
      description: 'met, not_met or unknown',
      value: (r) => r.derived.registration.status,
    },
    {
      name: 'enrolment_eligibility',
      description: 'met, not_met or unknown',
      value: (r) => r.derived.enrolment.status,
    },
    {
      name: 'surgery',
      description: 'Hepatic surgery: done, not_done or missing',
      value: (r) => r.surgery,
    },
    {
      name: 'analysed',
      description: 'yes when in the analysis population of the dashboard (enrolled and operated)',
      value: (r) => yesNo(r.analysed),
    },
    {
      name: 'lesions',
      description: 'Number of lesions (instances not entered in error)',
      value: (r) => String(r.derived.lesions.length),
    },
    {
      name: 'dlm',
      description: 'Number of DLMs (cdlm + non_cdlm + dlm_unconfirmed)',
      value: (r) => String(r.derived.summary.dlm),
    },
    { name: 'cdlm', description: 'Number of cDLMs', value: (r) => String(r.derived.summary.cdlm) },
    {
      name: 'non_cdlm',
      description: 'Number of non-confirmed DLMs visible on MRI',
      value: (r) => String(r.derived.summary.nonCdlm),
    },
    {
      name: 'dlm_unconfirmed',
      description: 'Number of DLMs that cannot be confirmed (sequence not done or missing)',
      value: (r) => String(r.derived.summary.dlmUnconfirmed),
    },
    {
      name: 'non_dlm',
      description: 'Number of lesions visible on pre-operative CT',
      value: (r) => String(r.derived.summary.nonDlm),
    },
    {
      name: 'new_or_unknown',
      description: 'Number of lesions not on baseline CT or not classifiable yet',
      value: (r) => String(r.derived.summary.newOrUnknown),
    },
    {
      name: 'evaluable_dlm',
      description: 'Number of evaluable DLMs',
      value: (r) => String(r.derived.summary.evaluableDlm),
    },
    {
      name: 'evaluable_cdlm',
      description: 'Number of evaluable cDLMs',
      value: (r) => String(r.derived.summary.evaluableCdlm),
    },
    {
      name: 'cdlm_management',
      description: 'no_cdlm, all_removed, left_in_place or unknown',
      value: (r) => r.derived.summary.cdlmManagement,
    },
    {
      name: 'extrahepatic_disease',
      description: 'yes/no (registration or surgery), empty when unanswered',
      value: (r) => yesNo(r.derived.summary.extrahepaticDisease),
    },
    {
      name: 'resection_margin',
      description: 'R0, R1 or R2',
      value: (r) => r.derived.summary.resectionMargin ?? '',
    },
    ...survival('dfs', 'Disease-free survival', (r) => r.derived.summary.dfs),
    {
      name: 'dfs_cause',
      description:
        'First DFS event: site_recurrence, liver_recurrence_other, extrahepatic_progression, death',
      value: (r) => r.derived.summary.dfs?.cause ?? '',
    },
    ...survival('os', 'Overall survival', (r) => r.derived.summary.os),
  ],
};

/** The derived rows of one subject, using the dashboard's own definition of "analysed". */
export function derivedRows(
  subject: SubjectInfo,
  derived: SubjectDerived,
  cb: Parameters<typeof patientRecord>[0],
) {
  const record = patientRecord(cb, derived);
  const analysed = isAnalysed(record);
  return {
    patient: { subject, derived, analysed, surgery: record.surgery } satisfies PatientRow,
    lesions: derived.lesions.map((lesion) => ({ subject, lesion, analysed }) satisfies LesionRow),
  };
}
