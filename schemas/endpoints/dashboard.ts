import type { Casebook } from '../rules/casebook';
import { type NpvRow, npvTable } from './npv';
import { type PatientRecord, patientRecord } from './records';
import { type StardFlow, stardFlow } from './stard';
import { type SurvivalAnalysis, survivalAnalyses } from './survival';

/** Every end point of the study dashboard (crf-spec §5), over one set of patients. */
export interface Dashboard {
  /** Registered patients counted (every subject in the selection). */
  readonly patients: number;
  readonly npv: readonly NpvRow[];
  readonly stard: StardFlow;
  readonly survival: readonly SurvivalAnalysis[];
}

/** The end-point records of a study, one per casebook (runs the rules on each). */
export function studyRecords(casebooks: readonly Casebook[]): PatientRecord[] {
  return casebooks.map((cb) => patientRecord(cb));
}

/**
 * The whole dashboard. Total on any input: an empty study gives zero counts, null
 * estimates and empty curves, never NaN (each part documents its edge cases).
 */
export function computeDashboard(patients: readonly PatientRecord[]): Dashboard {
  return {
    patients: patients.length,
    npv: npvTable(patients),
    stard: stardFlow(patients),
    survival: survivalAnalyses(patients),
  };
}
