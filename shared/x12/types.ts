/**
 * Results of reading inbound X12: 835 remittance, 999 implementation acknowledgment, 277CA
 * claim acknowledgment. Money is integer cents; dates are YYYY-MM-DD.
 */
import type { Cents } from '../money';

export interface Adjustment {
  group: 'CO' | 'OA' | 'PI' | 'PR' | 'CR';
  reason: string; // CARC
  amountCents: Cents;
  quantity?: number;
}

export interface ServicePayment {
  procedureQualifier: string; // HC, AD, ...
  procedureCode: string;
  modifiers: string[];
  chargeCents: Cents; // SVC02
  paidCents: Cents; // SVC03
  units?: number; // SVC05
  lineItemControlNumber?: string; // REF*6R
  dateOfService?: string; // DTM*472 or DTM*150
  dateOfServiceEnd?: string; // DTM*151 (added: service period end)
  adjustments: Adjustment[];
  remarkCodes: string[]; // LQ*HE RARC
}

export interface ClaimPayment {
  patientControlNumber: string; // CLP01 = our claim id
  statusCode: string; // CLP02: 1 primary, 2 secondary, 3 tertiary, 4 denied, 19-23 ...
  chargeCents: Cents; // CLP03
  paidCents: Cents; // CLP04
  patientResponsibilityCents: Cents; // CLP05 (0 when absent)
  filingIndicator?: string; // CLP06
  payerClaimControlNumber: string; // CLP07
  frequencyCode?: string; // CLP09
  adjustments: Adjustment[]; // claim-level CAS
  services: ServicePayment[];
  remarkCodes: string[]; // MOA / MIA remark codes
}

export interface ProviderAdjustment {
  providerId: string;
  fiscalPeriodDate: string;
  reason: string; // PLB03-1 e.g. WO, L6, FB
  reference?: string; // PLB03-2
  amountCents: Cents; // positive reduces payment
}

export interface Remittance {
  interchangeControlNumber: string; // ISA13
  transactionSetControlNumber: string; // ST02
  traceNumber: string; // TRN02 (check / EFT trace)
  payerIdentifier?: string; // TRN03
  payerName?: string; // N1*PR
  payeeNpi?: string; // N1*PE*..*XX
  payeeName?: string; // N1*PE name (added: the simulator writes it, readers return it)
  paymentCents: Cents; // BPR02
  paymentMethod: string; // BPR04 (CHK, ACH, NON, ...)
  /** BPR01 transaction handling code (added): I remittance + payment, H notification only, ... */
  handlingCode?: string;
  paymentDate?: string; // BPR16
  claims: ClaimPayment[];
  providerAdjustments: ProviderAdjustment[];
}

/** One 999 acknowledgment of one transaction set (IK5 / AK2 loop). */
export interface TransactionAck {
  transactionSetId: string; // AK201 e.g. 837
  controlNumber: string; // AK202 = ST02 of the acknowledged set
  accepted: boolean; // IK501 A or E (accepted with errors) -> true; R/M/W/X -> false
  code: string; // IK501
  errors: string[]; // readable IK3/IK4 descriptions
}

export interface Ack999 {
  interchangeControlNumber: string;
  groupControlNumber: string; // AK102 = GS06 of the acknowledged group
  groupAccepted: boolean; // AK901
  transactions: TransactionAck[];
}

/** One claim's status in a 277CA (2200D loop). */
export interface ClaimAck {
  patientControlNumber: string; // TRN02 in 2200D = CLM01
  accepted: boolean; // A1/A2 (and A0) categories accepted; A3/A4/A6/A7/A8 rejected
  categoryCode: string; // STC01-1
  statusCode: string; // STC01-2
  /** Every claim-level status composite as category:status[:entity] (added), e.g. ['A1:20', 'A2:20']. */
  statusCodes?: string[];
  payerClaimControlNumber?: string; // REF*1K
  chargeCents?: Cents; // STC04
  message?: string;
}

export interface Ack277 {
  interchangeControlNumber: string;
  claims: ClaimAck[];
}
