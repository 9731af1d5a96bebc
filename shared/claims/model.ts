/**
 * The claim as claimflow holds it: one professional claim (837P) for one encounter.
 * Money is integer cents; dates are ISO strings (YYYY-MM-DD for calendar dates).
 * Diagnosis codes are ICD-10-CM without the dot ("E119"); procedure codes are CPT/HCPCS.
 */
import type { Cents } from '../money';

export interface Address {
  line1: string;
  line2?: string;
  city: string;
  state: string; // 2-letter
  zip: string; // 5 or 9 digits, no dash
}

export type Gender = 'M' | 'F' | 'U';

export interface Person {
  lastName: string;
  firstName: string;
  middleName?: string;
  dob: string; // YYYY-MM-DD
  gender: Gender;
  address: Address;
}

/** X12 individual relationship code of the patient to the subscriber (2000B SBR02 / 2000C PAT01). */
export type Relationship = '18' | '01' | '19' | '20' | '21' | '39' | '40' | '53' | 'G8';

export interface Subscriber extends Person {
  memberId: string;
  groupNumber?: string;
}

export interface Payer {
  payerId: string;
  name: string;
  /** SBR09 claim filing indicator (MB, MC, BL, CI, HM, ...), from the payer registry; the 837P writes CI when absent. */
  claimFilingIndicator?: string;
}

export interface BillingProvider {
  npi: string;
  name: string; // organization name
  taxId: string; // EIN, 9 digits
  address: Address; // street address, 9-digit ZIP for 5010
}

export interface RenderingProvider {
  npi: string;
  lastName: string;
  firstName: string;
  /** Health care provider taxonomy code (2310B PRV*PE*PXC), e.g. 207Q00000X. */
  taxonomy?: string;
}

/** A person provider named on the claim by NPI: referring (2310A) or supervising (2310D). */
export interface NamedProvider {
  npi: string;
  lastName: string;
  firstName?: string;
}

/** Where the service was rendered when it is not the billing provider's address (2310C). */
export interface ServiceFacility {
  name: string;
  npi?: string;
  address: Address; // 9-digit ZIP for 5010
}

/** CLM11 related causes: auto accident, employment, other accident. */
export type RelatedCause = 'AA' | 'EM' | 'OA';

export interface Accident {
  /** 1 or 2 distinct causes (CLM11-1, CLM11-2). */
  causes: RelatedCause[];
  /** Accident date (DTP*439). */
  date: string; // YYYY-MM-DD
  /** State of an auto accident (CLM11-4), required with AA. */
  state?: string;
}

/** PWK claim supplemental information: paperwork sent or held for the payer. */
export interface Attachment {
  reportType: string; // PWK01, e.g. 09 progress report, OZ support data
  transmission: 'AA' | 'BM' | 'EL' | 'EM' | 'FT' | 'FX'; // PWK02
  controlNumber?: string; // PWK06 (PWK05 = AC), required unless AA (available on request)
}

/** CLM06..CLM09, defaulting to Y, A, Y, Y. */
export interface ClaimIndicators {
  providerSignature: 'Y' | 'N'; // CLM06
  assignment: 'A' | 'B' | 'C'; // CLM07 assignment / plan participation
  benefitsAssignment: 'Y' | 'N' | 'W'; // CLM08
  releaseOfInformation: 'I' | 'Y'; // CLM09
}

export const DEFAULT_CLAIM_INDICATORS: ClaimIndicators = {
  providerSignature: 'Y',
  assignment: 'A',
  benefitsAssignment: 'Y',
  releaseOfInformation: 'Y',
};

/** NDC drug information of a service line (2410 LIN/CTP/REF). */
export interface DrugInfo {
  ndc: string; // 11 digits, 5-4-2 without dashes
  unit: 'F2' | 'GR' | 'ME' | 'ML' | 'UN'; // CTP05-1
  quantity: number; // CTP04, > 0, up to 3 decimals
  prescriptionNumber?: string; // REF*XZ
}

export interface ServiceLine {
  lineId: string; // practice's line id; sent as REF*6R (line item control number)
  dateOfService: string; // YYYY-MM-DD
  procedureCode: string; // CPT or HCPCS Level II
  modifiers: string[]; // up to 4
  units: number;
  chargeCents: Cents;
  diagnosisPointers: number[]; // 1-based into Claim.diagnoses, 1..4 of them
  placeOfService?: string; // when it differs from the claim's
  drug?: DrugInfo;
}

/** CLM05-3 claim frequency: 1 original, 7 replacement, 8 void. */
export type FrequencyCode = '1' | '7' | '8';

export interface Claim {
  claimId: string; // deterministic, <= 17 chars, CLM01
  practiceId: string;
  encounterId: string;
  frequencyCode: FrequencyCode;
  /** Payer claim control number of the claim being replaced or voided (REF*F8), freq 7/8. */
  originalPayerClaimNumber?: string;
  /**
   * Set when an appeal was won: the payer's claim control number of the denial the payer
   * reprocesses. The reprocessed adjudication (a new CLP07) replaces that one on the ledger, as a
   * replacement claim's does (shared/posting/ledger.ts checkAgainstLedger).
   */
  reprocessedPayerClaimNumber?: string;
  patient: Person;
  relationship: Relationship;
  subscriber: Subscriber; // same person as patient when relationship is '18'
  payer: Payer;
  billingProvider: BillingProvider;
  renderingProvider?: RenderingProvider;
  referringProvider?: NamedProvider; // 2310A NM1*DN
  serviceFacility?: ServiceFacility; // 2310C NM1*77
  supervisingProvider?: NamedProvider; // 2310D NM1*DQ
  priorAuthorization?: string; // 2300 REF*G1
  referralNumber?: string; // 2300 REF*9F
  onsetDate?: string; // 2300 DTP*431, YYYY-MM-DD
  /** The patient's date of death, when deceased: 2000B (patient = subscriber) or 2000C PAT05-06. */
  patientDeathDate?: string;
  accident?: Accident; // CLM11 + DTP*439
  attachments?: Attachment[]; // 2300 PWK, up to 10
  /** CLM06..09; DEFAULT_CLAIM_INDICATORS when absent. */
  indicators?: ClaimIndicators;
  placeOfService: string; // 2-digit CMS POS code
  diagnoses: string[]; // 1..12 ICD-10-CM codes, no dot, principal first
  lines: ServiceLine[];
  totalChargeCents: Cents; // always the sum of lines
  sourceFile: string; // s3 key of the charge file
  receivedAt: string; // ISO timestamp
}

/** Where a claim is in its life. The state machine's states map onto these. */
export const CLAIM_STATUSES = [
  'RECEIVED',
  'SCRUBBED',
  'NEEDS_CORRECTION',
  'SUBMITTED',
  'ACCEPTED',
  'REJECTED',
  'PAID',
  'PATIENT_BALANCE',
  'DENIED',
  'CORRECTED',
  'APPEAL',
  'WRITTEN_OFF',
  'SECONDARY',
  'HUMAN_REVIEW',
  'CLOSED',
  // The payer accepted our void (frequency 8) of the claim: terminal, like CLOSED.
  'VOIDED',
] as const;
export type ClaimStatus = (typeof CLAIM_STATUSES)[number];

/** Statuses in which a claim waits for a person (or is finished): the demo's resting states. */
export const RESTING_STATUSES: ReadonlySet<ClaimStatus> = new Set([
  'NEEDS_CORRECTION',
  'APPEAL',
  'SECONDARY',
  'HUMAN_REVIEW',
  'CLOSED',
  'VOIDED',
]);

/** One entry of a claim's append-only event log. */
export interface ClaimEvent {
  claimId: string;
  at: string; // ISO timestamp
  seq: number;
  type: string; // e.g. 'RECEIVED', 'SCRUBBED', 'SUBMITTED', 'ACK_999', 'REMIT_POSTED'
  status: ClaimStatus; // status after the event
  detail?: Record<string, unknown>; // ids, codes, counts; never PHI
}
