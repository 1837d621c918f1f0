import {
  ENROLMENT_EXCLUSIONS,
  type EnrolmentExclusion,
  isAnalysed,
  LESION_EXCLUSIONS,
  type LesionExclusion,
  type LesionRecord,
  type PatientRecord,
} from './records';

export interface ReasonCount<R extends string> {
  readonly reason: R;
  readonly count: number;
}

export const NOT_OPERATED_REASONS = ['surgery_not_done', 'surgery_not_recorded'] as const;
export type NotOperatedReason = (typeof NOT_OPERATED_REASONS)[number];
export const NOT_OPERATED_LABELS: Record<NotOperatedReason, string> = {
  surgery_not_done: 'No hepatic surgery',
  surgery_not_recorded: 'Surgery not recorded yet',
};

export interface ManagementCount {
  /** Evaluable lesions with this management. */
  readonly n: number;
  /** Of which nonviable (the NPV numerator). */
  readonly nonviable: number;
}

/** One lesion branch of the diagram (all DLMs, or the cDLMs among them). */
export interface LesionFlow {
  readonly total: number;
  readonly notEvaluable: number;
  /** Non-zero reasons only, in the fixed order of LESION_EXCLUSIONS. */
  readonly exclusions: readonly ReasonCount<LesionExclusion>[];
  readonly evaluable: number;
  readonly resected: ManagementCount;
  readonly leftInPlace: ManagementCount;
}

/**
 * The STARD flow (the paper's Figure 1), counted live:
 *
 *   registered (every subject) ── not enrolled (reasons)
 *     → enrolled (enrolment eligibility met) ── not operated (reasons)
 *       → operated: with ≥ 1 DLM / with ≥ 1 cDLM / without DLM
 *         → lesions of operated patients: recorded = DLMs + visible on pre-operative CT
 *           + not seen on baseline CT + not classifiable (LES incomplete)
 *           → DLMs ── not evaluable (reasons) → evaluable: resected / left in place
 *           → cDLMs (the same)
 *
 * Lesion counts are over operated, enrolled patients — the population of the NPV rows —
 * so that the evaluable counts here are the denominators of the NPV table.
 */
export interface StardFlow {
  readonly registered: number;
  readonly notEnrolled: number;
  readonly notEnrolledReasons: readonly ReasonCount<EnrolmentExclusion>[];
  readonly enrolled: number;
  readonly notOperated: number;
  readonly notOperatedReasons: readonly ReasonCount<NotOperatedReason>[];
  readonly operated: number;
  readonly patientsWithDlm: number;
  readonly patientsWithCdlm: number;
  readonly patientsWithoutDlm: number;
  readonly lesions: {
    readonly recorded: number;
    /** Visible on pre-operative CT. */
    readonly nonDlm: number;
    /** Not visible on baseline CT (new lesion, not a disappearing one). */
    readonly notOnBaselineCt: number;
    /** LES answers missing: cannot be classified yet. */
    readonly unclassified: number;
    readonly dlm: LesionFlow;
    readonly cdlm: LesionFlow;
  };
}

function tally<R extends string>(order: readonly R[], reasons: readonly R[]): ReasonCount<R>[] {
  const counts = new Map<R, number>();
  for (const r of reasons) counts.set(r, (counts.get(r) ?? 0) + 1);
  return order.flatMap((reason) => {
    const count = counts.get(reason) ?? 0;
    return count > 0 ? [{ reason, count }] : [];
  });
}

function lesionFlow(lesions: readonly LesionRecord[]): LesionFlow {
  const excluded: LesionExclusion[] = [];
  const resected = { n: 0, nonviable: 0 };
  const left = { n: 0, nonviable: 0 };
  for (const l of lesions) {
    if (!l.evaluable) {
      // A DLM that is not evaluable always has a reason (records.ts); `?? pending` keeps the
      // totals consistent should the rules ever add a criterion this module does not know.
      excluded.push(l.exclusion ?? 'follow_up_pending');
      continue;
    }
    const into = l.management === 'resected' ? resected : left;
    into.n++;
    if (l.truth === 'nonviable') into.nonviable++;
  }
  return {
    total: lesions.length,
    notEvaluable: excluded.length,
    exclusions: tally(LESION_EXCLUSIONS, excluded),
    evaluable: lesions.length - excluded.length,
    resected,
    leftInPlace: left,
  };
}

/** The STARD flow of the given patients (see {@link StardFlow}). */
export function stardFlow(patients: readonly PatientRecord[]): StardFlow {
  const notEnrolled: EnrolmentExclusion[] = [];
  const notOperated: NotOperatedReason[] = [];
  let enrolled = 0;
  let withDlm = 0;
  let withCdlm = 0;
  const analysed: PatientRecord[] = [];
  for (const p of patients) {
    if (!p.enrolled) {
      notEnrolled.push(p.enrolmentExclusion ?? 'pending');
      continue;
    }
    enrolled++;
    if (!isAnalysed(p)) {
      notOperated.push(p.surgery === 'not_done' ? 'surgery_not_done' : 'surgery_not_recorded');
      continue;
    }
    analysed.push(p);
    if (p.lesions.some((l) => l.isDlm)) withDlm++;
    if (p.lesions.some((l) => l.class === 'cdlm')) withCdlm++;
  }
  const all = analysed.flatMap((p) => p.lesions);
  const dlms = all.filter((l) => l.isDlm);
  return {
    registered: patients.length,
    notEnrolled: notEnrolled.length,
    notEnrolledReasons: tally(ENROLMENT_EXCLUSIONS, notEnrolled),
    enrolled,
    notOperated: notOperated.length,
    notOperatedReasons: tally(NOT_OPERATED_REASONS, notOperated),
    operated: analysed.length,
    patientsWithDlm: withDlm,
    patientsWithCdlm: withCdlm,
    patientsWithoutDlm: analysed.length - withDlm,
    lesions: {
      recorded: all.length,
      nonDlm: all.filter((l) => l.class === 'non_dlm').length,
      notOnBaselineCt: all.filter((l) => l.class === 'new_or_unknown' && !l.unclassified).length,
      unclassified: all.filter((l) => l.unclassified).length,
      dlm: lesionFlow(dlms),
      cdlm: lesionFlow(dlms.filter((l) => l.class === 'cdlm')),
    },
  };
}
