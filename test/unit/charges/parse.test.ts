import { describe, expect, it } from 'vitest';
import { errorReport, parseChargeFile } from '../../../shared/charges';
import { CHARGE_COLUMNS } from '../../../shared/charges/row';
import { claimIdFor } from '../../../shared/claims/ids';

const ctx = {
  sourceFile: 'charges/PRAC1/today.csv',
  receivedAt: '2026-11-01T12:00:00.000Z',
  practiceId: 'PRAC1',
};

function row(over: Record<string, string> = {}): Record<string, string> {
  return {
    practice_id: 'PRAC1',
    encounter_id: 'E1',
    line_id: 'L1',
    patient_last_name: 'TESTPATIENT',
    patient_first_name: 'ALEX',
    patient_dob: '1980-04-01',
    patient_gender: 'F',
    patient_address1: '1 TEST ST',
    patient_city: 'SPRINGFIELD',
    patient_state: 'IL',
    patient_zip: '62701',
    relationship: '18',
    member_id: 'MBR1',
    payer_id: 'SIMPAYER1',
    payer_name: 'SIMULATED PAYER ONE',
    billing_npi: '1234567893',
    billing_name: 'TEST CLINIC',
    billing_tax_id: '12-3456789',
    billing_address1: '1 CLINIC WAY',
    billing_city: 'SPRINGFIELD',
    billing_state: 'IL',
    billing_zip: '627011234',
    date_of_service: '2026-10-20',
    procedure_code: '99213',
    modifiers: '25',
    units: '1',
    charge: '110.00',
    dx1: 'E11.9',
    dx2: 'I10',
    dx_pointers: '1:2',
    place_of_service: '11',
    ...over,
  };
}

function csv(rows: Record<string, string>[], eol = '\n'): string {
  return (
    [CHARGE_COLUMNS.join(','), ...rows.map((r) => CHARGE_COLUMNS.map((c) => r[c] ?? '').join(','))].join(
      eol,
    ) + eol
  );
}

describe('parseChargeFile', () => {
  it('groups rows into claims by encounter with exact totals, codes without dots and cents', async () => {
    const text = csv([
      row(),
      row({ line_id: 'L2', procedure_code: '36415', modifiers: '', charge: '25.5', dx_pointers: '1' }),
      row({ encounter_id: 'E2', charge: '80' }),
    ]);
    const r = await parseChargeFile(text, ctx);
    expect(r.errors).toEqual([]);
    expect(r.rowCount).toBe(3);
    expect(r.claims).toHaveLength(2);
    const [c1, c2] = r.claims;
    expect(c1?.claimId).toBe(claimIdFor('PRAC1', 'E1'));
    expect(c1?.claimId).toMatch(/^C[A-Z2-7]{16}$/);
    expect(c1?.totalChargeCents).toBe(13550);
    expect(c1?.diagnoses).toEqual(['E119', 'I10']);
    expect(c1?.lines.map((l) => [l.lineId, l.chargeCents, l.modifiers, l.diagnosisPointers])).toEqual([
      ['L1', 11000, ['25'], [1, 2]],
      ['L2', 2550, [], [1]],
    ]);
    expect(c1?.billingProvider.taxId).toBe('123456789');
    expect(c1?.subscriber.memberId).toBe('MBR1');
    expect(c2?.totalChargeCents).toBe(8000);
  });

  it('reports bad rows with their line numbers and reasons without values, and keeps the good rows', async () => {
    const text = csv([
      row(),
      row({ encounter_id: 'E2', patient_dob: '1980-02-30' }),
      row({ encounter_id: 'E3', charge: 'ten' }),
      row({ encounter_id: 'E4' }),
    ]);
    const r = await parseChargeFile(text, ctx);
    expect(r.claims.map((c) => c.encounterId)).toEqual(['E1', 'E4']);
    expect(r.errors).toEqual([
      {
        line: 3,
        encounterId: 'E2',
        field: 'patient_dob',
        reason: 'patient_dob: is not a valid calendar date',
      },
      { line: 4, encounterId: 'E3', field: 'charge', reason: 'charge: is not an amount like 125.00' },
    ]);
    expect(JSON.stringify(r.errors)).not.toContain('1980-02-30');
  });

  it('requires subscriber fields when the patient is not the subscriber', async () => {
    const r = await parseChargeFile(csv([row({ relationship: '19' })]), ctx);
    expect(r.claims).toEqual([]);
    expect(r.errors.map((e) => e.field)).toContain('subscriber_last_name');
  });

  it('refuses a whole encounter whose rows disagree on claim-level data, or repeat a line id', async () => {
    const r = await parseChargeFile(
      csv([
        row(),
        row({ line_id: 'L2', payer_id: 'OTHER' }),
        row({ encounter_id: 'E2' }),
        row({ encounter_id: 'E2' }),
      ]),
      ctx,
    );
    expect(r.claims).toEqual([]);
    expect(r.errors.find((e) => e.line === 3)?.field).toBe('payer_id');
    expect(r.errors.find((e) => e.line === 2)?.reason).toMatch(/encounter refused/);
    expect(r.errors.find((e) => e.line === 5)?.field).toBe('line_id');
  });

  it('refuses rows of another practice than the folder says', async () => {
    const r = await parseChargeFile(csv([row({ practice_id: 'PRAC2' })]), ctx);
    expect(r.claims).toEqual([]);
    expect(r.errors[0]).toMatchObject({ line: 2, field: 'practice_id' });
  });

  it('gives the same result for a stream split at odd places, with a BOM and CRLF line ends', async () => {
    const text = `\uFEFF${csv([row(), row({ line_id: 'L2' }), row({ encounter_id: 'E2', charge: 'x' })], '\r\n')}`;
    const whole = await parseChargeFile(text, ctx);
    const bytes = Buffer.from(text);
    async function* chunks() {
      for (let i = 0; i < bytes.length; i += 7) yield bytes.subarray(i, i + 7);
    }
    const streamed = await parseChargeFile(chunks(), ctx);
    expect(streamed).toEqual(whole);
    expect(whole.claims).toHaveLength(1);
    expect(whole.errors).toHaveLength(1);
    expect(whole.errors[0]?.line).toBe(4);
  });

  it('produces identical claim ids when the same file is parsed again', async () => {
    const text = csv([row(), row({ encounter_id: 'E2' })]);
    const a = await parseChargeFile(text, ctx);
    const b = await parseChargeFile(text, { ...ctx, receivedAt: '2026-11-02T00:00:00.000Z' });
    expect(b.claims.map((c) => c.claimId)).toEqual(a.claims.map((c) => c.claimId));
  });

  it('reports a CSV syntax error with a line instead of failing', async () => {
    const text = `${csv([row()])}PRAC1,"E9,unclosed\n`;
    const r = await parseChargeFile(text, ctx);
    expect(r.claims).toHaveLength(1);
    expect(r.errors.at(-1)?.reason).toMatch(/CSV syntax error/);
  });

  it('names the error report after the charge file', async () => {
    const r = await parseChargeFile(csv([row({ charge: 'x' })]), ctx);
    const report = errorReport(r, ctx.sourceFile);
    expect(report.key).toBe('errors/PRAC1/today.csv.errors.json');
    expect(JSON.parse(report.body).errors).toHaveLength(1);
  });
});
