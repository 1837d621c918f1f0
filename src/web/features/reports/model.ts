/**
 * The missing-field / edit-check report (GET /api/reports/missing) as the page shows it:
 * filtered, grouped by site → subject → form instance, counted, and turned into the body
 * of "Raise queries for these" (POST /api/queries/bulk). Pure functions.
 */

export type ReportKind = 'missing' | 'soft_check';

export interface ReportItem {
  readonly kind: ReportKind;
  readonly siteCode: string;
  readonly subjectId: string;
  readonly subjectLabel: string;
  readonly form: string;
  readonly instance: string;
  readonly path: string;
  readonly label: string;
  readonly checkId: string | null;
  readonly message: string;
  readonly queryId: string | null;
  readonly queryState: string | null;
}

export interface MissingReport {
  readonly items: readonly ReportItem[];
}

/** One item's identity (a field can be both missing-free and failing two checks). */
export const itemKey = (i: ReportItem) =>
  `${i.subjectId}|${i.form}|${i.instance}|${i.path}|${i.kind}|${i.checkId ?? ''}`;

export interface ReportFilter {
  readonly kind?: ReportKind | undefined;
}

export function filterItems(items: readonly ReportItem[], f: ReportFilter): ReportItem[] {
  return items.filter((i) => !f.kind || i.kind === f.kind);
}

export interface FormGroup {
  readonly form: string;
  readonly instance: string;
  readonly items: readonly ReportItem[];
}
export interface SubjectGroup {
  readonly subjectId: string;
  readonly subjectLabel: string;
  readonly forms: readonly FormGroup[];
}
export interface SiteGroup {
  readonly siteCode: string;
  readonly subjects: readonly SubjectGroup[];
  readonly missing: number;
  readonly softChecks: number;
}

/** Site → subject → form instance → items, each level in a stable order. */
export function groupItems(items: readonly ReportItem[]): SiteGroup[] {
  const sites = new Map<string, Map<string, Map<string, ReportItem[]>>>();
  for (const i of items) {
    const subjects = sites.get(i.siteCode) ?? new Map<string, Map<string, ReportItem[]>>();
    sites.set(i.siteCode, subjects);
    const forms = subjects.get(i.subjectId) ?? new Map<string, ReportItem[]>();
    subjects.set(i.subjectId, forms);
    const fk = `${i.form}|${i.instance}`;
    const list = forms.get(fk);
    if (list) list.push(i);
    else forms.set(fk, [i]);
  }
  return [...sites.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([siteCode, subjects]) => {
      const groups = [...subjects.values()]
        .map((forms): SubjectGroup => {
          const lists = [...forms.values()];
          const first = lists[0]![0]!;
          return {
            subjectId: first.subjectId,
            subjectLabel: first.subjectLabel,
            forms: lists.map((l) => ({ form: l[0]!.form, instance: l[0]!.instance, items: l })),
          };
        })
        .sort((a, b) => a.subjectLabel.localeCompare(b.subjectLabel));
      const all = groups.flatMap((g) => g.forms.flatMap((f) => f.items));
      return {
        siteCode,
        subjects: groups,
        missing: all.filter((i) => i.kind === 'missing').length,
        softChecks: all.filter((i) => i.kind === 'soft_check').length,
      };
    });
}

export interface FormCount {
  readonly form: string;
  readonly missing: number;
  readonly softChecks: number;
}

/** Counts per form (all instances of a form together), forms in alphabetical order. */
export function countByForm(items: readonly ReportItem[]): FormCount[] {
  const by = new Map<string, { missing: number; softChecks: number }>();
  for (const i of items) {
    const c = by.get(i.form) ?? { missing: 0, softChecks: 0 };
    if (i.kind === 'missing') c.missing++;
    else c.softChecks++;
    by.set(i.form, c);
  }
  return [...by.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([form, c]) => ({ form, ...c }));
}

/** Items that can still be queried: no live query on them yet. */
export const queryable = (i: ReportItem) => i.queryId === null;

export interface BulkItem {
  subjectId: string;
  form: string;
  instance: string;
  path: string;
  kind: ReportKind;
  checkId?: string;
}

/** The body of POST /api/queries/bulk for the chosen items (already-queried ones left out). */
export function bulkBody(items: readonly ReportItem[]): { items: BulkItem[] } {
  return {
    items: items.filter(queryable).map((i) => ({
      subjectId: i.subjectId,
      form: i.form,
      instance: i.instance,
      path: i.path,
      kind: i.kind,
      ...(i.kind === 'soft_check' && i.checkId ? { checkId: i.checkId } : {}),
    })),
  };
}
