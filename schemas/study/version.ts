/**
 * Version of the CRF definition. Every stored record carries the version it was entered
 * under, so that a protocol amendment that changes a field (its codes, its range, its
 * meaning) is migrated deliberately instead of silently reinterpreting old data.
 *
 * Bump it for any change that alters what a stored value means or whether it is valid;
 * wording-only changes to labels and help text do not need a bump.
 */
export const DEFINITION_VERSION = 1;
