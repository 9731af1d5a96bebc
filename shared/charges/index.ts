export {
  type ChargeFileContext,
  type ChargeFileResult,
  errorReport,
  parseChargeFile,
  type RowError,
} from './parse';
export { CHARGE_COLUMNS, type ChargeRow, chargeRowSchema, RELATIONSHIPS } from './row';
