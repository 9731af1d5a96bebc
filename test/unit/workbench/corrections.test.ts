import { describe, expect, it } from 'vitest';
import type { Claim } from '../../../shared/claims/model';
import { scrubClaim } from '../../../shared/scrub/rules';
import {
  applyCorrection,
  claimToRows,
  correctionPath,
  diffClaims,
  isCorrectable,
  replacementFrequency,
} from '../../../shared/workbench/corrections';
import { makeClaim } from '../../integration/store/harness';
import { makeFullContentClaim } from '../x12/fixtures';

const CTX = { today: '2026-02-01', timelyFilingDays: 365 };
const base = (): Claim => makeClaim('CLMFIX1');

describe('applyCorrection', () => {
  it('the fixture is scrub-clean (so the tests below test the edit)', () => {
    expect(scrubClaim(base(), CTX).filter((f) => f.severity === 'error')).toEqual([]);
  });

  it('an unchanged round trip through the charge rows rebuilds the same claim', async () => {
    const claim = base();
    expect(claimToRows(claim)).toHaveLength(2);
    expect(await applyCorrection(claim, {}, CTX)).toEqual({ ok: false, code: 'NO_CHANGE' });
  });

  it('carries every optional 837P content field through a correction (none silently dropped)', async () => {
    // As intake stores it: one attachment (the model holds up to 10), no subscriber middle name or
    // second address line (no such columns), SBR09 is set from the payer registry at submission.
    const full = makeFullContentClaim();
    const { middleName: _m, ...subscriber } = full.subscriber;
    const { line2: _l2, ...subscriberAddress } = subscriber.address;
    const claim: Claim = {
      ...full,
      attachments: full.attachments?.slice(0, 1) ?? [],
      subscriber: { ...subscriber, address: subscriberAddress },
      payer: { payerId: full.payer.payerId, name: full.payer.name },
    };
    expect(await applyCorrection(claim, {}, CTX)).toEqual({ ok: false, code: 'NO_CHANGE' });
    const r = await applyCorrection(claim, { fields: { prior_authorization: 'PA-2' } }, CTX);
    if (!r.ok) throw new Error(`refused: ${JSON.stringify(r)}`);
    const { priorAuthorization, ...rest } = r.claim;
    const { priorAuthorization: before, ...restBefore } = claim;
    expect([before, priorAuthorization]).toEqual([claim.priorAuthorization, 'PA-2']);
    expect(rest).toEqual(restBefore);
    expect(r.changes.map((c) => c.path)).toEqual(['priorAuthorization']);
  });

  it('changes a diagnosis and a line charge, keeps the identity, reports before and after', async () => {
    const claim = base();
    const r = await applyCorrection(
      claim,
      { fields: { dx1: 'i10' }, lines: [{ line_id: 'L1', charge: '75.50' }, { line_id: 'L2' }] },
      CTX,
    );
    if (!r.ok) throw new Error(`refused: ${JSON.stringify(r)}`);
    expect(r.claim.diagnoses).toEqual(['I10']);
    expect(r.claim.lines.map((l) => l.chargeCents)).toEqual([7550, 4000]);
    expect(r.claim.totalChargeCents).toBe(11550);
    expect(r.claim.claimId).toBe('CLMFIX1');
    expect(r.claim.sourceFile).toBe(claim.sourceFile);
    expect(r.claim.frequencyCode).toBe('1');
    expect(r.changes).toEqual([
      { path: 'diagnoses.0', before: 'E119', after: 'I10' },
      { path: 'lines.0.chargeCents', before: 6000, after: 7550 },
      { path: 'totalChargeCents', before: 10000, after: 11550 },
    ]);
  });

  it('keeps a replacement a replacement: frequency 7 with the payer claim number (REF*F8)', async () => {
    const claim: Claim = { ...base(), frequencyCode: '7', originalPayerClaimNumber: 'PCN-77' };
    const r = await applyCorrection(claim, { fields: { dx1: 'I10' } }, CTX);
    if (!r.ok) throw new Error('refused');
    expect(r.claim.frequencyCode).toBe('7');
    expect(r.claim.originalPayerClaimNumber).toBe('PCN-77');
  });

  it('removes a line left out and adds a new one that gives every column', async () => {
    const r = await applyCorrection(
      base(),
      {
        lines: [
          { line_id: 'L2' },
          {
            line_id: 'L9',
            date_of_service: '2026-01-10',
            procedure_code: '99213',
            units: '1',
            charge: '20',
            dx_pointers: '1',
          },
        ],
      },
      CTX,
    );
    if (!r.ok) throw new Error(`refused: ${JSON.stringify(r)}`);
    expect(r.claim.lines.map((l) => [l.lineId, l.chargeCents, l.placeOfService])).toEqual([
      ['L2', 4000, undefined],
      ['L9', 2000, undefined],
    ]);
  });

  it('refuses a bad value naming the line, column and rule, never the value', async () => {
    const r = await applyCorrection(
      base(),
      { fields: { patient_dob: '1980-02-31' }, lines: [{ line_id: 'L1' }, { line_id: 'L2', charge: 'abc' }] },
      CTX,
    );
    expect(r.ok).toBe(false);
    if (r.ok || r.code !== 'INVALID') throw new Error('expected INVALID');
    expect(r.issues).toContainEqual({
      lineId: 'L2',
      field: 'charge',
      reason: 'charge: is not an amount like 125.00',
    });
    expect(r.issues).toContainEqual({
      lineId: 'L1',
      field: 'patient_dob',
      reason: 'patient_dob: is not a valid calendar date',
    });
    expect(JSON.stringify(r)).not.toContain('abc');
  });

  it('refuses a new line that leaves a required column out', async () => {
    const r = await applyCorrection(base(), { lines: [{ line_id: 'L1' }, { line_id: 'NEW' }] }, CTX);
    if (r.ok || r.code !== 'INVALID') throw new Error('expected INVALID');
    expect(r.issues.some((i) => i.lineId === 'NEW' && i.field === 'procedure_code')).toBe(true);
  });

  it('refuses an edit the scrub rules reject (a pointer past the diagnoses)', async () => {
    const r = await applyCorrection(
      base(),
      { lines: [{ line_id: 'L1', dx_pointers: '3' }, { line_id: 'L2' }] },
      CTX,
    );
    if (r.ok || r.code !== 'SCRUB_ERRORS') throw new Error(`expected SCRUB_ERRORS, got ${JSON.stringify(r)}`);
    expect(r.findings.some((f) => f.severity === 'error' && f.lineId === 'L1')).toBe(true);
  });

  it('a subscriber other than the patient needs the subscriber columns (the intake rule)', async () => {
    const r = await applyCorrection(base(), { fields: { relationship: '01' } }, CTX);
    if (r.ok || r.code !== 'INVALID') throw new Error('expected INVALID');
    expect(r.issues.map((i) => i.field)).toContain('subscriber_last_name');
  });
});

describe('diffClaims and isCorrectable', () => {
  it('names added and removed fields', () => {
    const a = base();
    const b: Claim = { ...a, renderingProvider: { npi: '1234567893', lastName: 'X', firstName: 'Y' } };
    expect(diffClaims(a, b).map((c) => c.path)).toEqual([
      'renderingProvider.firstName',
      'renderingProvider.lastName',
      'renderingProvider.npi',
    ]);
    expect(diffClaims(b, a)[0]).toEqual({ path: 'renderingProvider.firstName', before: 'Y' });
  });

  it('a running workflow waiting for a correction resumes; an appeal is replaced; an ended one restarts', () => {
    expect(correctionPath('NEEDS_CORRECTION')).toBe('resume');
    expect(correctionPath('REJECTED')).toBe('resume');
    expect(correctionPath('APPEAL')).toBe('appeal');
    for (const s of ['CLOSED', 'SECONDARY', 'HUMAN_REVIEW'] as const)
      expect(correctionPath(s)).toBe('restart');
    // In flight (being sent or adjudicated) or voided: nothing takes a correction.
    for (const s of ['RECEIVED', 'SCRUBBED', 'SUBMITTED', 'ACCEPTED', 'PAID', 'VOIDED'] as const) {
      expect(correctionPath(s)).toBeUndefined();
      expect(isCorrectable(s)).toBe(false);
    }
  });
});

describe('replacementFrequency', () => {
  it('a claim the payer has on file goes out as a replacement of its claim number', () => {
    const c = replacementFrequency(base(), 'PCN-9');
    expect(c.frequencyCode).toBe('7');
    expect(c.originalPayerClaimNumber).toBe('PCN-9');
  });

  it('a claim the payer never had goes out as an original, whatever it was before', () => {
    const replaced: Claim = {
      ...base(),
      frequencyCode: '7',
      originalPayerClaimNumber: 'OLD',
      reprocessedPayerClaimNumber: 'OLD',
    };
    const c = replacementFrequency(replaced, undefined);
    expect(c.frequencyCode).toBe('1');
    expect(c).not.toHaveProperty('originalPayerClaimNumber');
    expect(c).not.toHaveProperty('reprocessedPayerClaimNumber');
  });
});
