/** Public API of claimflow's X12 code (our own implementation; no X12 library). */
export { X12Error, type X12ErrorCode } from './errors';
export {
  ACCEPTED_CATEGORIES,
  iterate277CA,
  REJECTED_CATEGORIES,
  read277CA,
  read277CASync,
} from './read277ca';
export type { BalanceIssue, BalanceRule, Read835Options, Remit835Item } from './read835';
export {
  checkBalance,
  iterate835,
  read835,
  read835Strict,
  read835Sync,
  stream835,
  stream835Batches,
} from './read835';
export { iterate999, read999, read999Sync } from './read999';
export {
  components,
  type Delimiters,
  type DetectedTransaction,
  detectTransaction,
  el,
  readDelimiters,
  type Segment,
  type TokenizeOptions,
  tokenize,
  tokenizeSync,
  type X12Input,
} from './tokenizer';
export type * from './types';
export {
  type ClaimAck277Input,
  type Write277CAInput,
  type Write277CAResult,
  write277CA,
  X214,
} from './write277ca';
export {
  type ClaimPayment835Input,
  type Write835Input,
  type Write835Result,
  write835,
  X221A1,
} from './write835';
export { type Envelope837P, type Write837PInput, type Write837PResult, write837P, X222A1 } from './write837p';
export {
  type ElementError999,
  type SegmentError999,
  type TransactionAck999Input,
  type Write999Input,
  type Write999Result,
  write999,
  X231A1,
} from './write999';
export { cleanText, type InterchangeEnvelope, type WrittenControlNumbers } from './writer';
