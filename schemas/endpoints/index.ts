/**
 * The end-point engine of the study dashboard (crf-spec §5): NPV rows with clustered
 * intervals, the STARD flow and the survival comparisons, from the derived statuses of
 * schemas/rules. Pure: no I/O. See README.md beside this file.
 */

export * from './api';
export * from './dashboard';
export * from './format';
export * from './npv';
export * from './records';
export * from './stard';
export * from './survival';
export * from './tables';
