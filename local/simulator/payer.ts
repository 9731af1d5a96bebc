/**
 * Kept for existing imports: the simulated payer now lives in read837.ts (837P reading) and
 * adjudicate.ts (deterministic adjudication).
 */
export {
  type AdjudicableClaim,
  adjudicate,
  DENIAL_ROUTES,
  type Decision,
  decide,
  OUTCOMES,
  type Outcome,
  outcomeFor,
  payerClaimNumber,
} from './adjudicate';
export {
  read837,
  type Submitted837,
  type SubmittedClaim,
  type SubmittedGroup,
  type SubmittedLine,
} from './read837';
