import { describe, expect, it } from 'vitest';
import { encodingOf, errorReport, parseChargeFile } from '../../../shared/charges';
import { CHARGE_COLUMNS } from '../../../shared/charges/row';
import { claimIdFor } from '../../../shared/claims/ids';
import type { Claim } from '../../../shared/claims/model';
import { CLAIM_COLUMNS_FIXTURE } from '../../support/charge-rows';

const ctx = {
  sourceFile: 'charges/PRAC1/today.csv',
  receivedAt: '2026-11-01T12:00:00.000Z',
  practiceId: 'PRAC1',
};

function row(over: Record<string, string> = {}): Record<string, string> {
  return {
    ...CLAIM_COLUMNS_FIXTURE,
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

  it('reports an unclosed quote at the line it opens on, keeping the rows before it', async () => {
    const good = csv([row(), row({ encounter_id: 'E2' })]);
    const text = `${good}\nPRAC1,"E9,unclosed\n${csv([row({ encounter_id: 'E3' })]).split('\n')[1]}\n`;
    const r = await parseChargeFile(text, ctx);
    expect(r.claims.map((c) => c.encounterId)).toEqual(['E1', 'E2']);
    expect(r.errors).toEqual([
      {
        line: 5,
        reason:
          'CSV syntax error (CSV_QUOTE_NOT_CLOSED): a quoted field is never closed; reading stopped here',
      },
    ]);
  });

  it('reports text after a closing quote at its line and stops there', async () => {
    const lines = csv([row(), row({ encounter_id: 'E2' }), row({ encounter_id: 'E3' })]).split('\n');
    lines[2] = lines[2]?.replace('TESTPATIENT', '"TESTPATIENT"X') ?? '';
    const r = await parseChargeFile(lines.join('\n'), ctx);
    expect(r.claims.map((c) => c.encounterId)).toEqual(['E1']);
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]).toMatchObject({
      line: 3,
      reason: expect.stringMatching(/CSV_INVALID_CLOSING_QUOTE/),
    });
  });

  it('refuses a row with more or fewer fields than the header (shifted values)', async () => {
    const lines = csv([row(), row({ encounter_id: 'E2' }), row({ encounter_id: 'E3' })]).split('\n');
    lines[2] = lines[2]?.replace('1 TEST ST', '1 TEST ST, APT 2') ?? '';
    lines[3] = lines[3]?.replace(/,[^,]*$/, '') ?? '';
    const r = await parseChargeFile(lines.join('\n'), ctx);
    expect(r.claims.map((c) => c.encounterId)).toEqual(['E1']);
    expect(r.errors.map((e) => [e.line, e.encounterId, e.reason])).toEqual([
      [3, 'E2', `row has a different number of fields than the header (${CHARGE_COLUMNS.length})`],
      [4, 'E3', `row has a different number of fields than the header (${CHARGE_COLUMNS.length})`],
    ]);
  });

  it('numbers rows by the line they start on across quoted newlines and blank lines', async () => {
    const text = [
      CHARGE_COLUMNS.join(','),
      '',
      CHARGE_COLUMNS.map((c) => (c === 'patient_address1' ? '"1 TEST ST\nBLDG 2"' : (row()[c] ?? ''))).join(
        ',',
      ),
      CHARGE_COLUMNS.map((c) => row({ encounter_id: 'E2', charge: 'x' })[c] ?? '').join(','),
      '',
    ].join('\n');
    const r = await parseChargeFile(text, ctx);
    expect(r.claims[0]?.patient.address.line1).toBe('1 TEST ST\nBLDG 2');
    expect(r.errors).toMatchObject([{ line: 5, encounterId: 'E2', field: 'charge' }]);
  });

  it('refuses a file whose header misses a required column or has an unknown one', async () => {
    const cols = CHARGE_COLUMNS.filter((c) => c !== 'member_id').map((c) =>
      c === 'modifiers' ? 'modifer' : c,
    );
    const text = `${cols.join(',')}\n${cols.map((c) => row()[c] ?? '').join(',')}\n`;
    const r = await parseChargeFile(text, ctx);
    expect(r.claims).toEqual([]);
    expect(r.rowCount).toBe(1);
    expect(r.errors).toEqual([
      { line: 1, field: 'modifer', reason: 'header: unknown column modifer' },
      { line: 1, field: 'member_id', reason: 'header: required column member_id missing' },
    ]);
  });

  it('reports an empty file, and says why it is refused', async () => {
    for (const text of ['', '\uFEFF', '\n\n'])
      expect(await parseChargeFile(text, ctx)).toEqual({
        claims: [],
        rowCount: 0,
        errors: [{ line: 1, reason: 'header: the file is empty (a header row is required)' }],
        rejected: { code: 'EMPTY_FILE', reason: 'the file is empty' },
      });
  });

  it('reports a file with a header but no rows (not a silent success)', async () => {
    for (const text of [`${CHARGE_COLUMNS.join(',')}\n`, `${CHARGE_COLUMNS.join(',')}\r\n\r\n`]) {
      const r = await parseChargeFile(text, ctx);
      expect(r).toEqual({
        claims: [],
        rowCount: 0,
        errors: [{ line: 1, reason: 'the file has a header row but no charge rows' }],
        rejected: { code: 'NO_ROWS', reason: 'the file has a header row but no charge rows' },
      });
      expect(JSON.parse(errorReport(r, ctx.sourceFile).body).rejected.code).toBe('NO_ROWS');
    }
  });

  it('refuses a header that repeats a column, in any case or padding, naming it', async () => {
    const cols = [...CHARGE_COLUMNS, ' Charge '];
    const text = `${cols.join(',')}\n${[...CHARGE_COLUMNS.map((c) => row()[c] ?? ''), '1.00'].join(',')}\n`;
    const r = await parseChargeFile(text, ctx);
    expect(r.claims).toEqual([]);
    expect(r.rejected?.code).toBe('BAD_HEADER');
    expect(r.errors).toEqual([{ line: 1, field: 'charge', reason: 'header: column charge repeated' }]);
  });

  it('reads UTF-8 bytes with a BOM, split anywhere, like the same text', async () => {
    const text = csv([row({ patient_last_name: 'TESTPATIENTÉ' }), row({ encounter_id: 'E2' })], '\r\n');
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]);
    async function* twoBytesAtATime() {
      for (let i = 0; i < bytes.length; i += 2) yield bytes.subarray(i, i + 2);
    }
    const r = await parseChargeFile(twoBytesAtATime(), ctx);
    expect(r).toEqual(await parseChargeFile(text, ctx));
    expect(r.claims[0]?.patient.lastName).toBe('TESTPATIENTÉ');
    expect(r.claims[0]?.practiceId).toBe('PRAC1');
  });

  it('says a file with a bad header is refused', async () => {
    const text = `${CHARGE_COLUMNS.join(',')},extra\n`;
    expect((await parseChargeFile(text, ctx)).rejected?.code).toBe('BAD_HEADER');
  });

  it('accepts a header without optional columns, in any order and case, with padded values', async () => {
    const cols = CHARGE_COLUMNS.filter(
      (c) => !/^(dx([3-9]|1[0-2])|subscriber_.*|patient_middle_name)$/.test(c),
    );
    const shuffled = [...cols].reverse();
    const text = `${shuffled.map((c) => c.toUpperCase()).join(',')}\n${shuffled
      .map((c) => ` ${row({ dx1: 'e11.9', procedure_code: 'g0439' })[c] ?? ''} `)
      .join(',')}\n`;
    const r = await parseChargeFile(text, ctx);
    expect(r.errors).toEqual([]);
    expect(r.claims[0]?.diagnoses).toEqual(['E119', 'I10']);
    expect(r.claims[0]?.lines[0]?.procedureCode).toBe('G0439');
    expect(r.claims[0]?.patient.address.line1).toBe('1 TEST ST');
  });

  it('refuses a gap in the diagnosis columns, which would shift the pointers', async () => {
    const r = await parseChargeFile(csv([row({ dx2: '', dx3: 'I10', dx_pointers: '1:3' })]), ctx);
    expect(r.claims).toEqual([]);
    expect(r.errors).toMatchObject([{ line: 2, field: 'dx2' }]);
  });

  it('maps a dependent to a separate subscriber and keeps a line place of service only when it differs', async () => {
    const dep = {
      relationship: '19',
      patient_dob: '2015-06-07',
      subscriber_last_name: 'TESTSUBSCRIBER',
      subscriber_first_name: 'PARENT',
      subscriber_dob: '1979-04-05',
      subscriber_gender: 'M',
      subscriber_address1: '2 TEST RD',
      subscriber_city: 'SPRINGFIELD',
      subscriber_state: 'IL',
      subscriber_zip: '627011234',
      group_number: 'GRP9',
    };
    const r = await parseChargeFile(
      csv([row(dep), row({ ...dep, line_id: 'L2', place_of_service: '02' }), row({ ...dep, line_id: 'L3' })]),
      ctx,
    );
    expect(r.errors).toEqual([]);
    const c = r.claims[0] as Claim;
    expect(c.relationship).toBe('19');
    expect(c.patient.dob).toBe('2015-06-07');
    expect(c.subscriber).toMatchObject({
      lastName: 'TESTSUBSCRIBER',
      dob: '1979-04-05',
      memberId: 'MBR1',
      groupNumber: 'GRP9',
    });
    expect(c.subscriber.address.zip).toBe('627011234');
    expect(c.placeOfService).toBe('11');
    expect(c.lines.map((l) => l.placeOfService)).toEqual([undefined, '02', undefined]);
    expect(c).toMatchObject({ frequencyCode: '1', sourceFile: ctx.sourceFile, receivedAt: ctx.receivedAt });
  });

  it('keeps multi-byte characters split across chunks', async () => {
    const text = csv([row({ patient_last_name: 'TESTPATIENTÉÑ', billing_name: 'TEST CLINIC ÅB' })]);
    const bytes = Buffer.from(text);
    async function* oneByteAtATime() {
      for (let i = 0; i < bytes.length; i++) yield bytes.subarray(i, i + 1);
    }
    const r = await parseChargeFile(oneByteAtATime(), ctx);
    expect(r.claims[0]?.patient.lastName).toBe('TESTPATIENTÉÑ');
    expect(r.claims[0]?.billingProvider.name).toBe('TEST CLINIC ÅB');
  });

  it('names the error report after the charge file', async () => {
    const r = await parseChargeFile(csv([row({ charge: 'x' })]), ctx);
    const report = errorReport(r, ctx.sourceFile);
    expect(report.key).toBe('errors/PRAC1/today.csv.errors.json');
    expect(report.contentType).toBe('application/json');
    expect(JSON.parse(report.body)).toEqual({
      sourceFile: ctx.sourceFile,
      rows: 1,
      claims: 0,
      errors: [
        { line: 2, encounterId: 'E1', field: 'charge', reason: 'charge: is not an amount like 125.00' },
      ],
    });
  });
});

describe('parseChargeFile: encounters up to the 837P limit', () => {
  const lines = (n: number, encounter = 'E1') =>
    Array.from({ length: n }, (_, i) => row({ encounter_id: encounter, line_id: `L${i + 1}` }));

  it('accepts an encounter of 50 service lines as one claim', async () => {
    const r = await parseChargeFile(csv(lines(50)), ctx);
    expect(r.errors).toEqual([]);
    expect(r.claims).toHaveLength(1);
    expect(r.claims[0]?.lines).toHaveLength(50);
    expect(r.claims[0]?.totalChargeCents).toBe(50 * 11000);
    expect(r.sourceLines?.[claimIdFor('PRAC1', 'E1')]).toEqual(Array.from({ length: 50 }, (_, i) => i + 2));
  });

  it('refuses an encounter of more than 50 lines row by row, naming the encounter and rule, and keeps the others', async () => {
    for (const n of [51, 120]) {
      const r = await parseChargeFile(csv([...lines(n), row({ encounter_id: 'E2' })]), ctx);
      expect(r.claims.map((c) => c.encounterId)).toEqual(['E2']);
      expect(r.rejected).toBeUndefined();
      expect(r.errors).toHaveLength(n);
      expect(r.errors.map((e) => e.line)).toEqual(Array.from({ length: n }, (_, i) => i + 2));
      for (const e of r.errors) {
        expect(e.encounterId).toBe('E1');
        expect(e.reason).toBe(
          `encounter refused (TOO_MANY_LINES): it has ${n} service lines; an 837P claim holds at most 50`,
        );
      }
    }
  });
});

describe('parseChargeFile: encodings', () => {
  const header = `${CHARGE_COLUMNS.join(',')}\n`;
  const body = (name: string) => csv([row(), row({ encounter_id: 'E2', patient_last_name: name })]);

  it('refuses bytes that are not UTF-8 with the line they are on, and bills nothing', async () => {
    // "TESTPATIENTÉ" saved as Windows-1252: É is the single byte 0xC9.
    const text = body('TESTPATIENT\u0001');
    const bytes = Buffer.from(text, 'latin1');
    bytes[bytes.indexOf(1)] = 0xc9;
    const r = await parseChargeFile(bytes, ctx);
    expect(r.claims).toEqual([]);
    expect(r.rejected?.code).toBe('NOT_UTF8');
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]?.line).toBe(3);
    expect(r.errors[0]?.reason).toMatch(/^not valid UTF-8 at line 3 \(byte \d+\): .*charset=windows-1252/);
    expect(JSON.stringify(r.errors)).not.toContain('TESTPATIENT');
  });

  it('finds the bad byte whatever the chunking, including a truncated or overlong sequence', async () => {
    const cases: [Buffer, number][] = [
      [Buffer.concat([Buffer.from(header), Buffer.from([0x41, 0xe2, 0x82])]), 2], // truncated at the end
      [Buffer.concat([Buffer.from(`${header}x\n`), Buffer.from([0xc0, 0xaf])]), 3], // overlong '/'
      [Buffer.concat([Buffer.from(header), Buffer.from([0xed, 0xa0, 0x80])]), 2], // surrogate
      [Buffer.concat([Buffer.from(header), Buffer.from([0xc3, 0x0a])]), 2], // lead byte then newline
    ];
    for (const [bytes, line] of cases) {
      async function* oneByteAtATime() {
        for (let i = 0; i < bytes.length; i++) yield bytes.subarray(i, i + 1);
      }
      const r = await parseChargeFile(oneByteAtATime(), ctx);
      expect(r.rejected?.code).toBe('NOT_UTF8');
      expect(r.errors.map((e) => e.line)).toEqual([line]);
    }
  });

  it('decodes Windows-1252 only when the file declares it', async () => {
    const bytes = Buffer.from(body('TESTPATIENTÉ'), 'latin1');
    const r = await parseChargeFile(bytes, { ...ctx, encoding: 'windows-1252' });
    expect(r.errors).toEqual([]);
    expect(r.claims[1]?.patient.lastName).toBe('TESTPATIENTÉ');
    // A byte that only Windows-1252 defines (0x80 = €) is not Latin-1 either.
    const euro = Buffer.from(body('TESTPATIENT\u0001'), 'latin1');
    euro[euro.indexOf(1)] = 0x80;
    const r2 = await parseChargeFile(euro, { ...ctx, encoding: 'windows-1252' });
    expect(r2.claims[1]?.patient.lastName).toBe('TESTPATIENT€');
  });

  it('reads the charset a Content-Type declares', () => {
    expect(encodingOf(undefined)).toEqual({ encoding: 'utf-8' });
    expect(encodingOf('text/csv')).toEqual({ encoding: 'utf-8' });
    expect(encodingOf('text/csv; charset=UTF-8')).toEqual({ encoding: 'utf-8' });
    expect(encodingOf('text/csv; charset=windows-1252')).toEqual({ encoding: 'windows-1252' });
    expect(encodingOf('text/csv;charset="cp1252"')).toEqual({ encoding: 'windows-1252' });
    expect(encodingOf('text/csv; charset=utf-16le')).toEqual({
      error: 'the file declares charset utf-16le; only utf-8 and windows-1252 are read',
    });
  });
});
