export { isPlaceOfService, PLACE_OF_SERVICE } from './codesets/pos';
export { isUspsStateCode, USPS_STATE_CODES } from './codesets/states';
export { contentFindings } from './content-rules';
export {
  isIcd10CmFormat,
  isModifierFormat,
  isProcedureCodeFormat,
  isValidNpi,
  npiCheckDigit,
} from './formats';
export {
  hasErrors,
  MAX_DIAGNOSES,
  MAX_LINES,
  type ScrubContext,
  type ScrubFinding,
  scrubClaim,
} from './rules';
