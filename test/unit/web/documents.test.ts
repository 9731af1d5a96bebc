import { describe, expect, it } from 'vitest';
import { MATCHABLE_KINDS } from '../../../shared/posting/match';
import type { DocumentView } from '../../../shared/workbench/documents';
import {
  documentTitle,
  gapBefore,
  isMatchable,
  MATCHABLE,
  matchRefusalText,
  type ParsedDocument,
  positionText,
  postingText,
} from '../../../web/src/lib/documents';
import { money } from '../../../web/src/lib/format';

// What the API returns must fit the console's view of it (tsc fails here when the API's type drifts).
const fromApi = (p: NonNullable<DocumentView['parsed']>): ParsedDocument => p;

describe('claim documents display', () => {
  it('names a document by kind and direction', () => {
    expect(documentTitle('835', 'received')).toBe('835 remittance (received)');
    expect(documentTitle('837P', 'sent')).toBe('837P claim (sent)');
    expect(documentTitle('XYZ', 'received')).toBe('XYZ (received)');
    expect(typeof fromApi).toBe('function');
  });

  it('right-aligns positions to the widest and marks the gaps left by other claims', () => {
    expect(positionText(7, 123)).toBe('  7');
    expect(positionText(123, 123)).toBe('123');
    const segs = [{ index: 1 }, { index: 2 }, { index: 9 }, { index: 10 }];
    expect(segs.map((_, i) => gapBefore(segs, i))).toEqual([false, false, true, false]);
  });
});

describe('manual remit match display', () => {
  it('offers the match on exactly the kinds the API matches', () => {
    expect([...MATCHABLE]).toEqual([...MATCHABLE_KINDS]);
    expect(isMatchable('UNMATCHED_REMIT')).toBe(true);
    expect(isMatchable('REMIT_MISMATCH')).toBe(true);
    expect(isMatchable('REMIT_HELD')).toBe(false);
  });

  it('names the refused rule, never a value', () => {
    expect(matchRefusalText(409, { error: 'match_refused', rule: 'OTHER_PAYER' })).toBe(
      "Refused (409): rule OTHER_PAYER (the claim is another payer's).",
    );
    const charge = matchRefusalText(422, {
      error: 'match_refused',
      rule: 'CHARGE_MISMATCH',
      expectedCents: 12345,
      actualCents: 999,
    });
    expect(charge).toContain('rule CHARGE_MISMATCH');
    expect(charge).not.toMatch(/123|999/);
    expect(matchRefusalText(422, { error: 'match_refused', rule: 'NEW_RULE' })).toBe(
      'Refused (422): rule NEW_RULE.',
    );
    expect(matchRefusalText(409, { error: 'already_resolved' })).toContain('already resolved');
    expect(matchRefusalText(404, { error: 'not_found' })).toContain('Not found (404)');
    expect(matchRefusalText(400, { error: 'bad_request' })).toBe('The request failed (400 bad_request).');
    expect(matchRefusalText(500, undefined)).toBe('The request failed (500).');
  });

  it('describes a posting', () => {
    expect(
      postingText(
        {
          traceNumber: 'TRN1',
          payerClaimControlNumber: 'PCN1',
          paidCents: 8000,
          result: 'posted',
          delivery: 'answered',
        },
        money,
      ),
    ).toBe('posted $80.00 (trace TRN1, payer claim PCN1; remit wait answered)');
  });
});
