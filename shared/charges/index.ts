export { chargeContent, chargeContentHash, sameCharges } from './compare';
export {
  type ChargeEncoding,
  decodeChunks,
  encodingOf,
  InvalidEncodingError,
} from './decode';
export {
  type ChargeFileContext,
  type ChargeFileResult,
  errorReport,
  type FileRejection,
  parseChargeFile,
  type RowError,
} from './parse';
export {
  CHARGE_COLUMNS,
  type ChargeRow,
  CONTENT_COLUMNS,
  CORE_CHARGE_COLUMNS,
  chargeRowSchema,
  LINE_COLUMNS,
  RELATIONSHIPS,
} from './row';
