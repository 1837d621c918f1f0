import { describe, expect, it } from 'vitest';
import { computeDashboard } from '#schemas/endpoints/dashboard';
import { patientRecord } from '#schemas/endpoints/records';
import { buildCasebook } from '#schemas/rules/casebook';
import { deriveSubject } from '#schemas/rules/derive';
import { validateFieldValue } from '#schemas/study/schemas';
import { COHORT_CUTOFF, fieldPaths, generateCohort, prng, uuidFrom } from './cohort';

/** The cohort's casebooks as the server will hold them, without a database. */
function casebooks(seed?: number) {
  return generateCohort(seed).map((p) =>
    buildCasebook(
      [
        ...p.forms.map((f) => ({ ...f, state: 'active' })),
        ...p.enteredInError.map((f) => ({ ...f, state: 'entered_in_error' })),
      ],
      { subjectId: p.subjectId, siteCode: p.site },
      { today: COHORT_CUTOFF },
    ),
  );
}

describe('the demo cohort generator', () => {
  const cohort = generateCohort();
  const books = casebooks();
  const derived = books.map((cb) => deriveSubject(cb));
  const lesions = derived.flatMap((d) => d.lesions);

  it('is deterministic from its seed', () => {
    expect(generateCohort()).toEqual(cohort);
    expect(generateCohort(7)).not.toEqual(cohort);
    expect(uuidFrom(prng(1))).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
  });

  it('has a few dozen patients at every demo site', () => {
    expect(cohort).toHaveLength(40);
    expect(new Set(cohort.map((p) => p.site))).toEqual(
      new Set(['FR01', 'FR02', 'AT01', 'BE01', 'US01', 'JP01']),
    );
  });

  it('passes every hard check the server applies to a pushed value', () => {
    const problems: string[] = [];
    for (const p of cohort)
      for (const f of [...p.forms, ...p.corrections, ...p.enteredInError])
        for (const [path, value] of fieldPaths(f.values)) {
          const r = validateFieldValue(f.form as never, path, value, { today: COHORT_CUTOFF });
          if (!r.ok) problems.push(`${p.site} ${f.form}/${f.instance} ${path}: ${r.message}`);
        }
    expect(problems).toEqual([]);
    for (const cb of books) expect(cb.rejected).toEqual([]);
  });

  it('has lesions of every class, management and truth', () => {
    const count = (f: (l: (typeof lesions)[number]) => string | undefined) => {
      const m = new Map<string, number>();
      for (const l of lesions) {
        const k = f(l);
        if (k !== undefined) m.set(k, (m.get(k) ?? 0) + 1);
      }
      return m;
    };
    expect([...count((l) => l.classification.class).keys()].sort()).toEqual([
      'cdlm',
      'dlm_unconfirmed',
      'new_or_unknown',
      'non_cdlm',
      'non_dlm',
    ]);
    expect([...count((l) => l.management).keys()].sort()).toEqual([
      'ablated',
      'left_in_place',
      'resected',
    ]);
    expect([...count((l) => l.truth.status).keys()].sort()).toEqual([
      'nonviable',
      'not_evaluable',
      'pending',
      'viable',
    ]);
    const cdlm = lesions.filter((l) => l.classification.class === 'cdlm' && l.evaluability.primary);
    const kinds = new Set(cdlm.map((l) => `${l.management}:${l.truth.status}`));
    expect(kinds).toEqual(
      new Set([
        'resected:nonviable',
        'resected:viable',
        'left_in_place:nonviable',
        'left_in_place:viable',
      ]),
    );
    expect(lesions.some((l) => l.truth.notIdentified)).toBe(true);
    expect(lesions.some((l) => l.evaluability.failing?.name === 'mri_protocol')).toBe(true);
    expect(lesions.some((l) => l.evaluability.failing?.name === 'surgery_window')).toBe(true);
  });

  it('has every patient outcome: not enrolled, not operated, relapse, death, censoring', () => {
    const d = computeDashboard(books.map((cb, i) => patientRecord(cb, derived[i])));
    expect(d.stard.notEnrolledReasons.length).toBeGreaterThanOrEqual(2);
    expect(d.stard.notOperated).toBeGreaterThan(0);
    expect(d.stard.patientsWithCdlm).toBeGreaterThan(10);
    expect(d.stard.patientsWithoutDlm).toBeGreaterThan(0);
    const dfs = derived.map((x) => x.summary.dfs).filter((t) => t !== undefined);
    const os = derived.map((x) => x.summary.os).filter((t) => t !== undefined);
    expect(new Set(dfs.map((t) => t.cause ?? 'censored'))).toEqual(
      new Set([
        'site_recurrence',
        'liver_recurrence_other',
        'extrahepatic_progression',
        'death',
        'censored',
      ]),
    );
    expect(os.some((t) => t.event)).toBe(true);
    expect(os.some((t) => !t.event)).toBe(true);
    expect(derived.some((x) => x.summary.cdlmManagement === 'all_removed')).toBe(true);
    expect(derived.some((x) => x.summary.cdlmManagement === 'left_in_place')).toBe(true);
  });

  it('includes corrections with a reason and a lesion entered in error', () => {
    expect(cohort.flatMap((p) => p.corrections).length).toBeGreaterThan(0);
    expect(cohort.flatMap((p) => p.enteredInError).length).toBeGreaterThan(0);
    for (const p of cohort)
      for (const c of [...p.corrections, ...p.enteredInError])
        expect(c.reason.length).toBeGreaterThan(10);
  });

  it('gives a dashboard with an estimate in every NPV row and survival in every analysis', () => {
    const d = computeDashboard(books.map((cb, i) => patientRecord(cb, derived[i])));
    for (const r of d.npv) expect(r.N, r.id).toBeGreaterThan(0);
    for (const a of d.survival) for (const g of a.groups) expect(g.n, a.label).toBeGreaterThan(2);
  });
});
