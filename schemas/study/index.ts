/** The CRF definition: import it as `#schemas/study/index` (or a module by name). */
export * from './checks';
export * from './codelists';
export * from './conditions';
export * from './data-dictionary';
export * from './dates';
export * from './definition';
export * from './fields';
export * from './form';
export { MANDATORY_VISIT_MONTH } from './forms/fu';
export { LESION_FOUND } from './forms/path';
export * from './instances';
export * from './keys';
export * from './paths';
export * from './schemas';
export * from './soft-checks';
export * from './spec-field-keys';
export * from './version';
