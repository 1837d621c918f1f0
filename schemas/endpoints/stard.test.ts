import { describe, expect, it } from 'vitest';
import type { Scenario } from '../testing/scenario';
import { studyRecords } from './dashboard';
import { type EnrolmentExclusion, type LesionExclusion, patientRecord } from './records';
import { stardFlow } from './stard';
import {
  type LesionSpec,
  type PatientSpec,
  paperCohort,
  patientScenario,
} from './testing/paper-cohort';

const spec = (lesions: LesionSpec[], extra: Partial<PatientSpec> = {}): PatientSpec => ({
  id: 'S1',
  site: 'FR01',
  status: 'operated',
  lesions,
  ...extra,
});
const cdlm = (management: LesionSpec['management'], outcome: LesionSpec['outcome']) =>
  ({ kind: 'cdlm', management, outcome }) as LesionSpec;

describe("STARD flow: the paper's Figure 1 counts from 233 casebooks", () => {
  const flow = stardFlow(studyRecords(paperCohort()));

  it('patients: 233 registered → 112 enrolled → 109 operated; 67 with DLMs, 54 with cDLMs', () => {
    expect(flow).toMatchObject({
      registered: 233,
      notEnrolled: 121,
      enrolled: 112,
      notOperated: 3,
      operated: 109,
      patientsWithDlm: 67,
      patientsWithCdlm: 54,
      patientsWithoutDlm: 42,
    });
    expect(flow.notEnrolledReasons).toEqual([
      { reason: 'registration_not_eligible', count: 15 },
      { reason: 'chemo_cycles', count: 10 },
      { reason: 'mdt_not_resectable', count: 96 },
    ]);
    expect(flow.notOperatedReasons).toEqual([{ reason: 'surgery_not_done', count: 3 }]);
  });

  it('lesions: 296 DLMs (227 evaluable: 158 resected, 69 left), 203 cDLMs (152: 88, 64)', () => {
    const { dlm, cdlm } = flow.lesions;
    expect([dlm.total, dlm.evaluable, dlm.resected.n, dlm.leftInPlace.n]).toEqual([
      296, 227, 158, 69,
    ]);
    expect([dlm.resected.nonviable + dlm.leftInPlace.nonviable]).toEqual([120]);
    expect([cdlm.total, cdlm.evaluable, cdlm.resected.n, cdlm.leftInPlace.n]).toEqual([
      203, 152, 88, 64,
    ]);
    expect([cdlm.resected.nonviable, cdlm.leftInPlace.nonviable]).toEqual([50, 45]);
    expect(cdlm.notEvaluable).toBe(51);
    expect(cdlm.exclusions.reduce((s, e) => s + e.count, 0)).toBe(51);
    expect(dlm.exclusions.reduce((s, e) => s + e.count, 0)).toBe(69);
  });

  it('lesions recorded = DLMs + visible on pre-operative CT + not on baseline CT + unclassified', () => {
    const l = flow.lesions;
    expect(l.recorded).toBe(l.dlm.total + l.nonDlm + l.notOnBaselineCt + l.unclassified);
  });
});

describe('STARD flow: why a patient is not enrolled', () => {
  const table: [string, (s: Scenario) => Scenario, EnrolmentExclusion | undefined][] = [
    ['eligible at every step', (s) => s, undefined],
    [
      'resectable at diagnosis',
      (s) => s.answer('REG', '1', 'resectability_at_diagnosis', 'resectable'),
      'registration_not_eligible',
    ],
    [
      'registration wins over a later failure',
      (s) => s.answer('REG', '1', 'who_ps', '3').answer('ENROL', '1', 'mdt_resectable', 'no'),
      'registration_not_eligible',
    ],
    ['one cycle', (s) => s.answer('CHEMO', '1', 'total_cycles', 1), 'chemo_cycles'],
    [
      'MDT: not resectable',
      (s) => s.answer('ENROL', '1', 'mdt_resectable', 'no'),
      'mdt_not_resectable',
    ],
    [
      'planned surgery 4 months after imaging',
      (s) => s.answer('ENROL', '1', 'surgery_planned_date', '2019-11-30'),
      'surgery_window',
    ],
    ['MDT decision missing', (s) => s.clear('ENROL', '1', 'mdt_resectable'), 'pending'],
    ['registration data missing', (s) => s.clear('REG', '1', 'who_ps'), 'pending'],
  ];
  it.each(table)('%s → %s', (_name, edit, reason) => {
    const p = patientRecord(edit(patientScenario(spec([]))).casebook());
    expect(p.enrolmentExclusion).toBe(reason);
    expect(p.enrolled).toBe(reason === undefined);
  });

  it('counts an enrolled patient without a surgery form as "surgery not recorded"', () => {
    const s = patientScenario(spec([])).clear('SURG', '1', 'surgery_done');
    const flow = stardFlow([patientRecord(s.casebook())]);
    expect(flow.notOperatedReasons).toEqual([{ reason: 'surgery_not_recorded', count: 1 }]);
  });
});

describe('STARD flow: why a DLM is not evaluable', () => {
  const table: [string, PatientSpec, ((s: Scenario) => Scenario) | null, LesionExclusion][] = [
    [
      'MRI off protocol (2 b-values)',
      spec([cdlm('resected', 'nonviable')], { mriOffProtocol: true }),
      null,
      'mri_protocol_not_met',
    ],
    [
      'b-values not entered',
      spec([cdlm('resected', 'nonviable')]),
      (s) => s.clear('IMGEX', 'preop', 'dwi_b_values'),
      'mri_protocol_missing',
    ],
    [
      'surgery 100 days after imaging',
      spec([cdlm('resected', 'nonviable')], { surgeryLate: true }),
      null,
      'surgery_window_not_met',
    ],
    [
      'surgery date missing',
      spec([cdlm('resected', 'nonviable')]),
      (s) => s.clear('SURG', '1', 'surgery_date'),
      'surgery_window_missing',
    ],
    ['ablated', spec([cdlm('ablated', 'pending')]), null, 'ablated'],
    [
      'left in place, died before 24 months',
      spec([cdlm('left_in_place', 'nonviable')], { followUp: 'died' }),
      null,
      'follow_up_incomplete',
    ],
    ['no IOLES form', spec([cdlm(undefined, 'pending')]), null, 'management_missing'],
    ['resected, no pathology', spec([cdlm('resected', 'pending')]), null, 'pathology_pending'],
    [
      'left in place, no follow-up yet',
      spec([cdlm('left_in_place', 'nonviable')]),
      (s) => s.enterInError('FU', 'FU2').enterInError('FU', 'FU1'),
      'follow_up_pending',
    ],
    [
      'no hepatic surgery',
      spec([cdlm('resected', 'nonviable')], { status: 'not_operated' }),
      null,
      'no_surgery',
    ],
  ];
  it.each(table)('%s → %s', (_name, p, edit, reason) => {
    const s = patientScenario(p);
    const record = patientRecord((edit ? edit(s) : s).casebook());
    expect(record.lesions.map((l) => [l.evaluable, l.exclusion])).toEqual([[false, reason]]);
  });

  it('reasons are tallied in a fixed order, zero counts left out', () => {
    const records = [
      patientRecord(
        patientScenario(spec([cdlm('ablated', 'pending'), cdlm('resected', 'pending')])).casebook(),
      ),
      patientRecord(
        patientScenario(spec([cdlm('resected', 'nonviable')], { mriOffProtocol: true })).casebook(),
      ),
    ];
    expect(stardFlow(records).lesions.cdlm.exclusions).toEqual([
      { reason: 'mri_protocol_not_met', count: 1 },
      { reason: 'ablated', count: 1 },
      { reason: 'pathology_pending', count: 1 },
    ]);
  });

  it('non-DLM lesions have no exclusion reason; unclassified ones are counted apart', () => {
    const s = patientScenario(
      spec([{ kind: 'non_dlm', management: 'resected', outcome: 'viable' }]),
    ).answer('LES', 'L2', 'segment', 'IVa');
    const r = patientRecord(s.casebook());
    expect(r.lesions.map((l) => [l.class, l.unclassified, l.exclusion])).toEqual([
      ['non_dlm', false, undefined],
      ['new_or_unknown', true, undefined],
    ]);
    expect(stardFlow([r]).lesions).toMatchObject({ recorded: 2, nonDlm: 1, unclassified: 1 });
  });
});
