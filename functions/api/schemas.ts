/**
 * zod schemas of the workbench API (requests and responses); they also produce the OpenAPI document.
 * Response schemas mirror the views of shared/workbench/views.ts.
 */

import { z } from '@hono/zod-openapi';
import { CLAIM_STATUSES } from '../../shared/claims/model';
import { LEDGER_KINDS } from '../../shared/posting/ledger';
import { PRACTICE_ID } from '../../shared/workbench/access';
import { AR_BUCKETS } from '../../shared/workbench/aging';
import { DOCUMENT_ID } from '../../shared/workbench/documents';

const isoDate = z.iso.date().openapi({ example: '2026-01-15' });
const cents = z.number().int().openapi({ description: 'Integer cents' });

export const ClaimIdParam = z
  .string()
  .regex(/^[A-Za-z0-9-]{1,38}$/)
  .openapi({ param: { name: 'claimId', in: 'path' }, example: 'CABCDEFGHIJKLMNOP' });

export const ErrorBody = z
  .object({
    error: z.enum(['unauthorized', 'not_found', 'bad_request', 'internal']),
    issues: z.array(z.object({ path: z.string(), code: z.string() })).optional(),
  })
  .openapi('Error');

const filterFields = {
  status: z.enum(CLAIM_STATUSES).optional(),
  payerId: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,80}$/)
    .optional(),
  practiceId: z.string().regex(PRACTICE_ID).optional(),
  serviceFrom: isoDate.optional().openapi({ description: 'First date of service on or after (inclusive)' }),
  serviceTo: isoDate.optional().openapi({ description: 'First date of service on or before (inclusive)' }),
  arBucket: z.enum(AR_BUCKETS).optional().openapi({ description: 'A/R age from the first date of service' }),
  claimId: z
    .string()
    .regex(/^[A-Za-z0-9-]{1,38}$/)
    .optional(),
  cursor: z.string().max(1024).optional().openapi({ description: 'Opaque, from the previous page' }),
};

export const ListClaimsQuery = z.object({
  ...filterFields,
  limit: z.coerce.number().int().min(1).max(100).default(25),
});

/** POST body for searches naming a patient account: account numbers are PHI and stay out of URLs. */
export const SearchClaimsBody = z
  .object({
    ...filterFields,
    patientAccount: z.string().min(1).max(50).optional().openapi({
      description: "The practice's patient account / encounter number",
    }),
    limit: z.number().int().min(1).max(100).default(25),
  })
  .openapi('ClaimSearch');

export const ClaimSummarySchema = z
  .object({
    claimId: z.string(),
    practiceId: z.string(),
    encounterId: z.string(),
    status: z.enum(CLAIM_STATUSES),
    payerId: z.string(),
    payerName: z.string(),
    frequencyCode: z.enum(['1', '7', '8']),
    serviceFrom: z.string(),
    serviceTo: z.string(),
    totalChargeCents: cents,
    lineCount: z.number().int(),
    arAgeDays: z.number().int(),
    arBucket: z.enum(AR_BUCKETS),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('ClaimSummary');

export const ClaimPageSchema = z
  .object({ items: z.array(ClaimSummarySchema), cursor: z.string().optional() })
  .openapi('ClaimPage');

const Address = z
  .object({
    line1: z.string(),
    line2: z.string().optional(),
    city: z.string(),
    state: z.string(),
    zip: z.string(),
  })
  .openapi('Address');

const Person = {
  lastName: z.string(),
  firstName: z.string(),
  middleName: z.string().optional(),
  dob: z.string(),
  gender: z.enum(['M', 'F', 'U']),
  address: Address,
};

const ServiceLine = z
  .object({
    lineId: z.string(),
    dateOfService: z.string(),
    procedureCode: z.string(),
    modifiers: z.array(z.string()),
    units: z.number(),
    chargeCents: cents,
    diagnosisPointers: z.array(z.number().int()),
    placeOfService: z.string().optional(),
  })
  .openapi('ServiceLine');

const ClaimSchema = z
  .object({
    claimId: z.string(),
    practiceId: z.string(),
    encounterId: z.string(),
    frequencyCode: z.enum(['1', '7', '8']),
    originalPayerClaimNumber: z.string().optional(),
    patient: z.object(Person),
    relationship: z.enum(['18', '01', '19', '20', '21', '39', '40', '53', 'G8']),
    subscriber: z.object({ ...Person, memberId: z.string(), groupNumber: z.string().optional() }),
    payer: z.object({ payerId: z.string(), name: z.string() }),
    billingProvider: z.object({ npi: z.string(), name: z.string(), taxId: z.string(), address: Address }),
    renderingProvider: z.object({ npi: z.string(), lastName: z.string(), firstName: z.string() }).optional(),
    placeOfService: z.string(),
    diagnoses: z.array(z.string()),
    lines: z.array(ServiceLine),
    totalChargeCents: cents,
    sourceFile: z.string(),
    receivedAt: z.string(),
  })
  .openapi('Claim');

export const ScrubFinding = z
  .object({
    rule: z.string(),
    severity: z.enum(['error', 'warning']),
    message: z.string(),
    lineId: z.string().optional(),
    field: z.string().optional(),
  })
  .openapi('ScrubFinding');

const ClaimEventSchema = z
  .object({
    claimId: z.string(),
    at: z.string(),
    seq: z.number().int(),
    type: z.string(),
    status: z.enum(CLAIM_STATUSES),
    detail: z.record(z.string(), z.unknown()).optional(),
  })
  .openapi('ClaimEvent');

const ReversibleKinds = ['CHARGE', 'PAYMENT', 'ADJUSTMENT', 'PATIENT_RESPONSIBILITY', 'WRITE_OFF'] as const;

const LedgerRow = z
  .object({
    entryId: z.string(),
    claimId: z.string(),
    kind: z.enum(LEDGER_KINDS),
    reverses: z.enum(ReversibleKinds).optional(),
    amountCents: cents,
    carc: z.string().optional(),
    group: z.enum(['CO', 'PR', 'OA', 'PI', 'CR']).optional(),
    lineId: z.string().optional(),
    source: z.object({
      traceNumber: z.string().optional(),
      payerClaimControlNumber: z.string().optional(),
      fileKey: z.string().optional(),
    }),
    at: z.string(),
    balanceEffectCents: cents,
    runningBalanceCents: cents,
  })
  .openapi('LedgerRow');

const Balances = z
  .object({
    chargesCents: cents,
    paymentsCents: cents,
    adjustmentsCents: cents,
    patientResponsibilityCents: cents,
    writeOffCents: cents,
    balanceCents: cents,
  })
  .openapi('Balances');

const WorkItem = z
  .object({
    kind: z.string(),
    reference: z.string(),
    detail: z.record(z.string(), z.unknown()),
    firstSeen: z.string(),
    lastSeen: z.string(),
    occurrences: z.number().int(),
  })
  .openapi('WorkItem');

const DocumentKindSchema = z.enum(['837P', '999', '277CA', '835']);

const DocumentSummarySchema = z
  .object({
    documentId: z.string(),
    kind: DocumentKindSchema,
    direction: z.enum(['sent', 'received']),
    at: z.string(),
  })
  .openapi('ClaimDocumentSummary');

export const DocumentIdParam = z
  .string()
  .regex(DOCUMENT_ID)
  .openapi({ param: { name: 'documentId', in: 'path' }, example: '837P-12' });

/** One X12 document of a claim: this claim's excerpt, raw and as the readers see it. */
export const DocumentViewSchema = DocumentSummarySchema.extend({
  raw: z.string(),
  segments: z.array(
    z.object({ index: z.number().int(), id: z.string(), elements: z.array(z.string()), text: z.string() }),
  ),
  parsed: z.object({ kind: DocumentKindSchema }).catchall(z.unknown()).optional().openapi({
    description:
      "999: acknowledgments; 277CA: this claim's statuses; 835: remittances with this claim's payments",
  }),
  parseError: z.string().optional(),
}).openapi('ClaimDocument');

export const ClaimDetailSchema = z
  .object({
    summary: ClaimSummarySchema,
    claim: ClaimSchema,
    version: z.number().int(),
    payerClaimControlNumber: z.string().optional(),
    scrubFindings: z.array(ScrubFinding),
    timeline: z.array(ClaimEventSchema),
    ledger: z.object({ rows: z.array(LedgerRow), totals: Balances }),
    workItems: z.array(WorkItem),
    documents: z.array(DocumentSummarySchema),
  })
  .openapi('ClaimDetail');

/** A manual remit match refused: the rule it broke (and the amounts, for a balancing rule). */
export const MatchRefusedBody = z
  .object({
    error: z.literal('match_refused'),
    rule: z.string().openapi({
      description:
        'OTHER_PAYER, ALREADY_PAID_FOR_TRACE, MATCHED_TO_OTHER_CLAIM, NOT_MATCHABLE, PAYMENT_NOT_FOUND, SAME_ADJUDICATION, ALREADY_ADJUDICATED, PAYMENTS_EXCEED_CHARGES, POSTED_WITH_OTHER_AMOUNTS (409); PAYER_UNKNOWN, CHARGE_MISMATCH, UNBALANCED, PATIENT_RESPONSIBILITY_MISMATCH, LEDGER_WOULD_NOT_BALANCE, NOTHING_TO_REVERSE, REVERSAL_DOES_NOT_MATCH_LEDGER, POSTING_TOO_LARGE (422)',
    }),
    expectedCents: cents.optional(),
    actualCents: cents.optional(),
  })
  .openapi('MatchRefused');

export const MatchCandidateSchema = z
  .object({
    claimId: z.string(),
    practiceId: z.string(),
    payerId: z.string(),
    status: z.enum(CLAIM_STATUSES),
    totalChargeCents: cents,
    reasons: z.array(z.enum(['ACCOUNT', 'CHARGE', 'SERVICE_DATE'])),
    score: z.number().int(),
  })
  .openapi('MatchCandidate');

export const MatchPostingSchema = z
  .object({
    traceNumber: z.string(),
    payerClaimControlNumber: z.string(),
    statusCode: z.string(),
    paidCents: cents,
    result: z.enum(['posted', 'duplicate']),
    delivery: z.string().openapi({ description: 'answered, pending, duplicate or unexpected' }),
  })
  .openapi('MatchPosting');
