/**
 * Obviously fake claim data for the X12 tests. NPIs pass the Luhn check with prefix 80840.
 */
import type { Claim, ServiceLine } from '../../../shared/claims/model';
import type { Envelope837P } from '../../../shared/x12/write837p';
import type { InterchangeEnvelope } from '../../../shared/x12/writer';

export const BILLING_NPI = '1234567893';
export const OTHER_BILLING_NPI = '1555555550';
export const RENDERING_NPI = '1987654328';
export const PAYEE_NPI = '1666666668';

export function makeLine(overrides: Partial<ServiceLine> = {}): ServiceLine {
  return {
    lineId: 'L1',
    dateOfService: '2026-01-15',
    procedureCode: '99213',
    modifiers: [],
    units: 1,
    chargeCents: 12500,
    diagnosisPointers: [1],
    ...overrides,
  };
}

/** A valid claim where the patient is the subscriber. Lines' charges are summed into the total. */
export function makeClaim(overrides: Partial<Claim> = {}): Claim {
  const lines = overrides.lines ?? [makeLine()];
  const patient = {
    lastName: 'TESTPATIENT',
    firstName: 'ALPHA',
    dob: '1980-02-03',
    gender: 'F' as const,
    address: { line1: '1 TEST STREET', city: 'TESTVILLE', state: 'NY', zip: '12345' },
  };
  return {
    claimId: 'CLM0001',
    practiceId: 'PRACTICE1',
    encounterId: 'ENC0001',
    frequencyCode: '1',
    patient,
    relationship: '18',
    subscriber: { ...patient, memberId: 'MEMBER0001', groupNumber: 'GRP001' },
    payer: { payerId: 'TESTPAYER1', name: 'TEST PAYER' },
    billingProvider: {
      npi: BILLING_NPI,
      name: 'TEST BILLING CLINIC',
      taxId: '999999999',
      address: { line1: '100 TEST AVENUE', city: 'TESTTOWN', state: 'NY', zip: '123451234' },
    },
    placeOfService: '11',
    diagnoses: ['E119'],
    sourceFile: 'charges/PRACTICE1/test.csv',
    receivedAt: '2026-01-20T10:00:00.000Z',
    ...overrides,
    lines,
    totalChargeCents: lines.reduce((t, l) => t + l.chargeCents, 0),
  };
}

/** A claim for a dependent: the patient (child) is not the subscriber. */
export function makeDependentClaim(overrides: Partial<Claim> = {}): Claim {
  const base = makeClaim();
  return makeClaim({
    relationship: '19',
    patient: {
      lastName: 'TESTPATIENT',
      firstName: 'JUNIOR',
      dob: '2015-06-07',
      gender: 'M',
      address: base.patient.address,
    },
    subscriber: {
      lastName: 'TESTSUBSCRIBER',
      firstName: 'PARENT',
      middleName: 'Q',
      dob: '1979-04-05',
      gender: 'F',
      address: { line1: '2 TEST ROAD', line2: 'APT 3', city: 'TESTVILLE', state: 'NY', zip: '123459876' },
      memberId: 'MEMBER0002',
      groupNumber: 'GRP002',
    },
    ...overrides,
  });
}

export function makeEnvelope(overrides: Partial<Envelope837P> = {}): Envelope837P {
  return {
    senderQualifier: 'ZZ',
    senderId: 'CLAIMFLOWTEST',
    receiverQualifier: 'ZZ',
    receiverId: 'TESTCLEARING',
    submitter: {
      name: 'Claimflow Test Submitter',
      id: 'SUBMIT01',
      contactName: 'Test Contact',
      contactEmail: 'edi@example.com',
    },
    receiver: { name: 'Test Clearinghouse', id: 'RECV01' },
    interchangeControlNumber: 42,
    groupControlNumber: 7,
    transactionSetControlNumber: 1,
    usage: 'T',
    createdAt: '2026-02-01T13:45:00.000Z',
    ...overrides,
  };
}

/** Envelope for simulator (payer -> provider) interchanges. */
export function makePayerEnvelope(overrides: Partial<InterchangeEnvelope> = {}): InterchangeEnvelope {
  return {
    senderId: 'TESTCLEARING',
    receiverId: 'CLAIMFLOWTEST',
    interchangeControlNumber: 900000001,
    groupControlNumber: 9001,
    transactionSetControlNumber: 1,
    usage: 'T',
    createdAt: '2026-02-02T08:30:00.000Z',
    ...overrides,
  };
}

/** The public X12 samples live beside the repo (never copied into it); absent, their tests skip. */
export {
  describeWithSamples,
  hasSamples,
  itWithSamples,
  readSample,
  SAMPLES_DIR,
  withSamples,
} from '../../support/samples';

/** Splits text into an async stream of small chunks (sizes cycle through 1..13), as bytes or text. */
export async function* chunked(text: string, asBytes = false): AsyncGenerator<string | Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  let size = 1;
  if (asBytes) {
    for (let i = 0; i < bytes.length; i += size, size = (size % 13) + 1) yield bytes.slice(i, i + size);
    return;
  }
  for (let i = 0; i < text.length; i += size, size = (size % 13) + 1) yield text.slice(i, i + size);
}

export const REFERRING_NPI = '1245319599';
export const SUPERVISING_NPI = '1003000126';
export const FACILITY_NPI = '1111111112';

/** A claim that uses every optional 837P content field (issue 7), two lines, one with an NDC. */
export function makeFullContentClaim(overrides: Partial<Claim> = {}): Claim {
  const base = makeDependentClaim();
  return makeDependentClaim({
    claimId: 'CLMFULL1',
    payer: { ...base.payer, claimFilingIndicator: 'MB' },
    renderingProvider: {
      npi: RENDERING_NPI,
      lastName: 'TESTRENDER',
      firstName: 'RITA',
      taxonomy: '207Q00000X',
    },
    referringProvider: { npi: REFERRING_NPI, lastName: 'TESTREFER', firstName: 'ROY' },
    serviceFacility: {
      name: 'TEST SURGERY CENTER',
      npi: FACILITY_NPI,
      address: {
        line1: '9 FACILITY DRIVE',
        line2: 'SUITE 4',
        city: 'TESTBURG',
        state: 'NJ',
        zip: '076011234',
      },
    },
    supervisingProvider: { npi: SUPERVISING_NPI, lastName: 'TESTSUPER' },
    priorAuthorization: 'AUTH-12345',
    referralNumber: 'REF9876',
    onsetDate: '2026-01-02',
    accident: { causes: ['AA', 'OA'], date: '2026-01-03', state: 'NY' },
    attachments: [
      { reportType: '09', transmission: 'FX', controlNumber: 'ATT0001' },
      { reportType: 'OZ', transmission: 'AA' },
    ],
    indicators: {
      providerSignature: 'N',
      assignment: 'C',
      benefitsAssignment: 'W',
      releaseOfInformation: 'I',
    },
    lines: [
      makeLine({ lineId: 'L1' }),
      makeLine({
        lineId: 'L2',
        procedureCode: 'J1100',
        chargeCents: 2500,
        units: 2,
        drug: { ndc: '00009004701', unit: 'ML', quantity: 1.5, prescriptionNumber: 'RX123' },
      }),
    ],
    ...overrides,
  });
}
