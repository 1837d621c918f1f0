import { buildCasebook, type RawFormInstance } from '#schemas/rules/casebook';
import type { CriterionStatus } from '#schemas/rules/criteria';
import { deriveSubject } from '#schemas/rules/derive';
import { setAtPath } from '#schemas/study/paths';
import type { FormRow, OutboxRow, SubjectRow } from '../../offline/db';
import { subjectLabel } from '../../offline/repo';

/** One line of the subject list: who, where, how far, what is still on the device only. */
export interface SubjectSummary {
  readonly id: string;
  readonly label: string;
  readonly provisional: boolean;
  readonly siteCode: string;
  readonly registration: CriterionStatus;
  readonly enrolment: CriterionStatus;
  readonly dlm: number;
  readonly cdlm: number;
  readonly formsComplete: number;
  readonly formsTotal: number;
  /** Changes (any author's) on this device not yet accepted by the server. */
  readonly unsynced: number;
}

/** The values as the casebook screen shows them: drafts laid over the saved values. */
export function screenValues(row: Pick<FormRow, 'values' | 'drafts'>): Record<string, unknown> {
  let values: Record<string, unknown> = row.values;
  for (const [path, d] of Object.entries(row.drafts)) values = setAtPath(values, path, d.raw);
  return values;
}

export function summariseSubject(
  subject: SubjectRow,
  rows: readonly FormRow[],
  unsynced: number,
  today: string,
): SubjectSummary {
  const raws: RawFormInstance[] = rows.map((r) => ({
    form: r.form,
    instance: r.instance,
    values: screenValues(r),
    state: r.state,
  }));
  const cb = buildCasebook(raws, { subjectId: subject.id, siteCode: subject.siteCode }, { today });
  const d = deriveSubject(cb);
  const label = subjectLabel(subject);
  return {
    id: subject.id,
    label: label.text,
    provisional: label.provisional,
    siteCode: subject.siteCode,
    registration: d.registration.status,
    enrolment: d.enrolment.status,
    dlm: d.summary.dlm,
    cdlm: d.summary.cdlm,
    formsComplete: d.forms.filter((f) => f.status === 'complete').length,
    formsTotal: d.forms.length,
    unsynced,
  };
}

/** Summaries already computed, by subject, with what they were computed from. */
export type SummaryCache = Map<string, { print: string; summary: SubjectSummary }>;

/**
 * Every subject's line, from the device's tables, in label order. With a cache, a subject
 * whose records did not change since the last call is not derived again (a pull of one
 * subject does not recompute a hundred).
 */
export function summariseSubjects(
  subjects: readonly SubjectRow[],
  forms: readonly FormRow[],
  outbox: readonly OutboxRow[],
  today: string,
  cache?: SummaryCache,
): SubjectSummary[] {
  const bySubject = new Map<string, FormRow[]>();
  for (const f of forms) {
    const list = bySubject.get(f.subjectId);
    if (list) list.push(f);
    else bySubject.set(f.subjectId, [f]);
  }
  const unsynced = new Map<string, number>();
  for (const o of outbox) unsynced.set(o.subjectId, (unsynced.get(o.subjectId) ?? 0) + 1);
  return subjects
    .map((s) => {
      const rows = bySubject.get(s.id) ?? [];
      const n = unsynced.get(s.id) ?? 0;
      if (!cache) return summariseSubject(s, rows, n, today);
      const print = [
        today,
        s.label,
        n,
        ...rows.map(
          (r) =>
            `${r.form}|${r.instance}|${r.state}|${r.updatedAt}|${Object.keys(r.drafts).length}`,
        ),
      ].join(';');
      const hit = cache.get(s.id);
      if (hit?.print === print) return hit.summary;
      const summary = summariseSubject(s, rows, n, today);
      cache.set(s.id, { print, summary });
      return summary;
    })
    .sort((a, b) => a.siteCode.localeCompare(b.siteCode) || a.label.localeCompare(b.label));
}
