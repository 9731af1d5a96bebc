/** DynamoDB repositories over the single table. Pass a DynamoDBDocumentClient and the table name. */

export { type AccessAuditEntry, type AccessAuditRecord, AccessAuditRepository } from './access-audit';
export {
  type ClaimAttributes,
  type ClaimRecord,
  ClaimRepository,
  type ClaimStateRecord,
  type ListPage,
  type TransitionSaved,
} from './claims';
export { ControlNumbers, formatControlNumber, MAX_CONTROL_NUMBER } from './counters';
export {
  ClaimNotFoundError,
  IllegalTransitionError,
  InvalidCursorError,
  TransactionTooLargeError,
  VersionConflictError,
} from './errors';
export { EventRepository } from './events';
export {
  type ChunkDone,
  type FileCounts,
  type FileRecord,
  FileRepository,
  type FileSplit,
  type FileStatus,
} from './files';
export { type IntakeOutcome, recordIntake, type StoredIntake, storedClaims } from './intake';
export { type InterchangeRecord, InterchangeRepository } from './interchanges';
export { type ClaimUpdate, LedgerRepository } from './ledger';
export { PayerRepository } from './payers';
export {
  type RemitPatch,
  type RemitReconciliation,
  type RemitRecord,
  RemitRepository,
  type RemitStatus,
  type RemitTrack,
} from './remits';
export { StatementRepository, type StatementRunRecord } from './statements';
export { createTableInput, GSI1, type TableDefinition, tableDefinition } from './table';
export {
  type WorkItemComment,
  type WorkItemRecord,
  WorkItemRepository,
  type WorkItemResolution,
} from './work-items';
