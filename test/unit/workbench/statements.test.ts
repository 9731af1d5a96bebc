import { PDFDocument } from 'pdf-lib';
import { describe, expect, it } from 'vitest';
import type { LedgerEntry } from '../../../shared/posting/ledger';
import type { PatientEntry } from '../../../shared/workbench/patient-ledger';
import { buildStatements, guarantorKey, statementPdf } from '../../../shared/workbench/statements';
import { pdfText } from '../../support/pdf';
import { charges, fakeClaim } from './billing-fixtures';

const at = '2026-02-01T00:00:00.000Z';
const adjudicated = (claimId: string, paid: number, co: number, pr: number): LedgerEntry[] => [
  { entryId: 'R-1', claimId, kind: 'PAYMENT', amountCents: paid, source: {}, at },
  { entryId: 'R-2', claimId, kind: 'ADJUSTMENT', amountCents: co, group: 'CO', carc: '45', source: {}, at },
  {
    entryId: 'R-3',
    claimId,
    kind: 'PATIENT_RESPONSIBILITY',
    amountCents: pr,
    group: 'PR',
    carc: '1',
    source: {},
    at,
  },
];

const c1 = fakeClaim('C1'); // DOS 2026-01-15
const c2 = fakeClaim('C2', {
  lines: fakeClaim('x').lines.map((l) => ({ ...l, dateOfService: '2026-03-01' })),
});
const c3 = fakeClaim('C3', {
  subscriber: { ...fakeClaim('x').subscriber, memberId: 'OTHERMEMBER', lastName: 'OTHER', firstName: 'BETA' },
});
const c4 = fakeClaim('C4'); // fully paid: no statement line
const payment: PatientEntry = {
  entryId: 'P-1',
  claimId: 'C1',
  kind: 'PATIENT_PAYMENT',
  amountCents: 500,
  at,
  by: 'u',
};
const inputs = [
  { claim: c1, ledger: [...charges(c1), ...adjudicated('C1', 6000, 2000, 2000)], patient: [payment] },
  { claim: c2, ledger: [...charges(c2), ...adjudicated('C2', 8000, 1000, 1000)], patient: [] },
  { claim: c3, ledger: [...charges(c3), ...adjudicated('C3', 9000, 700, 300)], patient: [] },
  { claim: c4, ledger: [...charges(c4), ...adjudicated('C4', 9000, 1000, 0)], patient: [] },
];

describe('buildStatements', () => {
  const run = buildStatements('PRAC1', 7, '2026-03-20', inputs);

  it('makes one statement per guarantor with the claims that have a patient balance', () => {
    expect(run).toHaveLength(2);
    const alpha = run.find((s) => s.guarantorKey === guarantorKey(c1));
    expect(alpha?.claims.map((c) => c.claimId)).toEqual(['C1', 'C2']);
    expect(alpha?.amountDueCents).toBe(1500 + 1000);
    const other = run.find((s) => s.guarantorKey === guarantorKey(c3));
    expect(other?.guarantor.name).toBe('BETA OTHER');
    expect(other?.amountDueCents).toBe(300);
    expect(run.map((s) => s.statementNumber).sort()).toEqual([1, 2]);
  });

  it('shows what insurance paid and adjusted, the responsibility, the payments and the aging', () => {
    const alpha = run.find((s) => s.guarantorKey === guarantorKey(c1));
    expect(alpha?.claims[0]).toMatchObject({
      chargesCents: 10000,
      insurancePaidCents: 6000,
      insuranceAdjustedCents: 2000,
      patientResponsibilityCents: 2000,
      patientPaidCents: 500,
      balanceCents: 1500,
      ageDays: 64,
      bucket: '61-90',
    });
    expect(alpha?.aging).toEqual({ '0-30': 1000, '31-60': 0, '61-90': 1500, '91-120': 0, '120+': 0 });
  });

  it('is deterministic and leaves other practices out', () => {
    expect(buildStatements('PRAC1', 7, '2026-03-20', [...inputs].reverse())).toEqual(run);
    expect(buildStatements('PRAC2', 7, '2026-03-20', inputs)).toEqual([]);
  });

  it('renders a PDF with the lines, the money and the amount due', async () => {
    const alpha = run.find((s) => s.guarantorKey === guarantorKey(c1));
    if (!alpha) throw new Error('no statement');
    const bytes = await statementPdf(alpha);
    expect((await PDFDocument.load(bytes)).getPageCount()).toBe(1);
    const text = await pdfText(bytes);
    for (const s of [
      'TEST CLINIC',
      'ALPHA TESTPATIENT',
      'Patient statement',
      'Amount due: $25.00',
      '99213',
      'Insurance paid',
      '$60.00',
      'Your payments',
      '$5.00',
      '$15.00',
      '61-90 days',
    ]) {
      expect(text).toContain(s);
    }
  });
});
