import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_PAYER_RULES,
  effectiveRules,
  type Payer,
  PayerRegistryError,
  parsePayer,
  parsePayerSeed,
} from '../../../shared/payers';
import { scrubClaim } from '../../../shared/scrub';
import { cleanClaim, line, today } from '../scrub/claim';

const seedFile = path.resolve(import.meta.dirname, '../../../events/payers.json');
const payer = (over: Record<string, unknown> = {}): Payer =>
  parsePayer({ payerId: 'SIMPAYER1', name: 'SIMULATED PAYER ONE', ...over });

describe('payer records', () => {
  it('fill the documented defaults', () => {
    expect(payer()).toEqual({
      payerId: 'SIMPAYER1',
      name: 'SIMULATED PAYER ONE',
      claimFilingIndicator: 'CI',
      timelyFilingDays: 365,
      appealDeadlineDays: 180,
      correctedClaims: { replacementAccepted: true, originalClaimNumberRequired: true },
      priorAuthorizationCodes: [],
    });
  });

  it.each([
    [{ claimFilingIndicator: 'XX' }, 'claimFilingIndicator'],
    [{ timelyFilingDays: 0 }, 'timelyFilingDays'],
    [{ timelyFilingDays: 90.5 }, 'timelyFilingDays'],
    [{ appealDeadlineDays: -1 }, 'appealDeadlineDays'],
    [{ payerId: 'SIM~PAYER' }, 'payerId'],
    [{ name: '' }, 'name'],
    [{ priorAuthorizationCodes: ['7055'] }, 'priorAuthorizationCodes.0'],
    [{ priorAuthorizationCodes: ['70551', '70551'] }, 'priorAuthorizationCodes'],
    [{ correctedClaims: { replacementAccepted: 'yes' } }, 'correctedClaims.replacementAccepted'],
    [{ sbr09: 'MB' }, 'Unrecognized key'],
  ])('refuse %j naming %s', (over, field) => {
    expect(() => payer(over)).toThrow(PayerRegistryError);
    expect(() => payer(over)).toThrow(field);
  });

  it('accept every SBR09 value of the 837P list, e.g. MB, MC, BL, CI, HM', () => {
    for (const code of ['MB', 'MC', 'BL', 'CI', 'HM', '12', 'ZZ'])
      expect(payer({ claimFilingIndicator: code }).claimFilingIndicator).toBe(code);
  });

  it('a seed file is checked whole: each bad entry named by index and id; ids unique', () => {
    expect(() =>
      parsePayerSeed({
        payers: [
          { payerId: 'A1', name: 'A' },
          { payerId: 'B1', name: 'B', timelyFilingDays: 'soon' },
          { payerId: 'A1', name: 'A AGAIN' },
        ],
      }),
    ).toThrow(/payers\[1\] \(B1\): timelyFilingDays: .*; payers\[2\] \(A1\): payerId is listed twice/);
    expect(() => parsePayerSeed([])).toThrow(/expected \{ "payers"/);
  });

  it('events/payers.json is a valid seed that holds the demo payers', () => {
    const payers = parsePayerSeed(JSON.parse(readFileSync(seedFile, 'utf8')));
    expect(payers.map((p) => p.payerId)).toEqual(
      expect.arrayContaining(['SIMPAYER1', 'SIMPAYER2', 'SIMPAYER3']),
    );
  });

  it('effective rules: the registry record, or the defaults for a payer not in it', () => {
    expect(effectiveRules(payer({ claimFilingIndicator: 'MB', timelyFilingDays: 90 }))).toEqual({
      claimFilingIndicator: 'MB',
      timelyFilingDays: 90,
      inRegistry: true,
    });
    expect(effectiveRules(undefined)).toEqual({
      claimFilingIndicator: DEFAULT_PAYER_RULES.claimFilingIndicator,
      timelyFilingDays: 365,
      inRegistry: false,
    });
  });
});

describe('the scrubber applies the payer rules', () => {
  const ctx = { today, timelyFilingDays: 365 };
  const rules = (p: Payer | null | undefined, claim = cleanClaim()) =>
    scrubClaim(claim, { ...ctx, payer: p }).map((f) => `${f.rule}:${f.severity}`);

  it('timely filing comes from the payer (its id in the message), the context default otherwise', () => {
    const c = cleanClaim({ lines: [line({ dateOfService: '2026-08-01' })] }); // 92 days before today
    expect(rules(payer({ timelyFilingDays: 90 }), c)).toEqual(['TIMELY_FILING:error']);
    expect(rules(payer({ timelyFilingDays: 92 }), c)).toEqual([]);
    const f = scrubClaim(c, { ...ctx, payer: payer({ timelyFilingDays: 90 }) })[0];
    expect(f?.message).toBe(
      "date of service is more than 90 days ago (payer SIMPAYER1's timely filing limit)",
    );
    expect(rules(undefined, c)).toEqual([]);
  });

  it('a payer not in the registry is a warning: the claim still goes out with the defaults', () => {
    expect(rules(null)).toEqual(['PAYER_NOT_IN_REGISTRY:warning']);
    expect(rules(undefined)).toEqual([]);
    expect(rules(payer())).toEqual([]);
  });

  it('corrected claims: frequency 7 refused where not accepted; REF*F8 required where asked', () => {
    const replacement = cleanClaim({ frequencyCode: '7', originalPayerClaimNumber: 'PCN0001' });
    expect(rules(payer(), replacement)).toEqual([]);
    expect(rules(payer({ correctedClaims: { replacementAccepted: false } }), replacement)).toEqual([
      'CORRECTED_CLAIM_NOT_ACCEPTED:error',
    ]);
    const noNumber = cleanClaim({ frequencyCode: '8' });
    expect(rules(payer(), noNumber)).toEqual(['ORIGINAL_CLAIM_NUMBER_REQUIRED:error']);
    expect(rules(payer({ correctedClaims: { originalClaimNumberRequired: false } }), noNumber)).toEqual([]);
  });

  it('codes needing prior authorization are refused per line without an authorization number', () => {
    const withAuth = { ...ctx, payer: payer({ priorAuthorizationCodes: ['36415'] }) };
    const found = scrubClaim(cleanClaim(), withAuth);
    expect(found).toEqual([
      expect.objectContaining({ rule: 'PRIOR_AUTH_REQUIRED', severity: 'error', lineId: 'L2' }),
    ]);
    expect(found[0]?.message).toBe(
      'line L2: payer SIMPAYER1 requires prior authorization for 36415; give prior_authorization (REF*G1)',
    );
    expect(scrubClaim(cleanClaim({ priorAuthorization: 'AUTH123' }), withAuth)).toEqual([]);
  });
});
