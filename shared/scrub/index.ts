export { isPlaceOfService, PLACE_OF_SERVICE } from './codesets/pos';
export { scrubCodeSets } from './codesets/rules';
export { isUspsStateCode, USPS_STATE_CODES } from './codesets/states';
export {
  ageInYears,
  FEMALE_ONLY_DX,
  isEvaluationAndManagement,
  MALE_ONLY_DX,
  MATERNITY_AGE,
  scrubConsistency,
} from './consistency';
export { contentFindings } from './content-rules';
export {
  isModifierFormat,
  isProcedureCodeFormat,
  isValidNpi,
  npiCheckDigit,
} from './formats';
export { scrubPayerRules } from './payer-rules';
export {
  hasErrors,
  MAX_DIAGNOSES,
  MAX_LINES,
  type ScrubContext,
  type ScrubFinding,
  scrubClaim,
} from './rules';
