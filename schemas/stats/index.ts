/**
 * The pure statistics engine of the study dashboard (issue 7, crf-spec §5): plain numbers
 * in, plain numbers out, no I/O. See README.md beside this file for the formulas, the
 * edge-case policies and the references.
 */
export {
  type Cluster,
  type ClusteredProportion,
  type ClusteredProportionOptions,
  clusteredProportion,
  clusterSchema,
} from './clustered-proportion';
export { type CoxBinary, type CoxTest, coxBinary } from './cox';
export {
  chiSquareUpperTail,
  logGamma,
  normalCdf,
  normalQuantile,
  normalTwoSidedP,
  regularizedGammaP,
  regularizedGammaQ,
} from './distributions';
export {
  firstBelowHalf,
  type KaplanMeier,
  type KaplanMeierStep,
  kaplanMeier,
  numbersAtRisk,
  type SurvivalAt,
  survivalAt,
} from './kaplan-meier';
export { type LogRank, type LogRankGroup, logRank } from './logrank';
export {
  type EventIndicator,
  type Group,
  type SurvivalSubject,
  survivalSubjectSchema,
} from './survival-data';
