/** Pure derivation rules over a casebook: import as `#schemas/rules/index`. */
export * from './casebook';
export * from './classification';
export * from './criteria';
export * from './derive';
export * from './eligibility';
export * from './evaluability';
export * from './form-status';
export * from './imaging';
export * from './patient';
export * from './soft-checks';
export * from './survival';
export * from './truth';
