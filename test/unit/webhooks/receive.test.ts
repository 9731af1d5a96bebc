import { describe, expect, it } from 'vitest';
import { allowList } from '../../../shared/webhooks/allowlist';
import { decideWebhook, decodeBody, type WebhookRequest } from '../../../shared/webhooks/receive';
import { signBody } from '../../../shared/webhooks/signature';

const KEY = 'a-very-secret-hmac-key-for-tests';
const NOW = 1_800_000_000;
const X12 =
  'ISA*00*          *00*          *ZZ*SIMCLEAR       *ZZ*CLAIMFLOW      *261101*1200*^*00501*000000001*0*T*:~' +
  'GS*FA*SIMCLEAR*CLAIMFLOW*20261101*1200*1*X*005010X231A1~ST*999*0001~';
const limits = { nowSeconds: NOW, toleranceSeconds: 300, maxBodyBytes: 1024 };
const keys = { simclear: KEY, fenced: KEY };
const allowed = allowList({ fenced: ['203.0.113.0/24'] });

function req(body: string, over: Partial<WebhookRequest> = {}, key = KEY): WebhookRequest {
  return {
    clearinghouse: 'simclear',
    headers: { 'x-claimflow-timestamp': String(NOW), 'x-claimflow-signature': signBody(key, NOW, body) },
    body,
    isBase64Encoded: false,
    sourceIp: '198.51.100.1',
    ...over,
  };
}

describe('decideWebhook', () => {
  it('accepts a signed 999 and names its object by kind, clearinghouse and content hash', () => {
    const d = decideWebhook(req(X12), keys, limits, allowed);
    expect(d).toMatchObject({ accept: true, statusCode: 202, kind: '999' });
    if (!d.accept) throw new Error('refused');
    expect(d.objectKey).toBe(`inbound/999/simclear/${d.contentHash}.x12`);
    expect(Buffer.from(d.body).toString('utf8')).toBe(X12);
  });

  it('checks the size before anything that depends on the name', () => {
    const big = X12 + 'X'.repeat(2000);
    for (const clearinghouse of ['simclear', 'unknown', 'fenced', 'constructor', 'BAD NAME']) {
      const d = decideWebhook(req(big, { clearinghouse }, 'wrong-key-wrong-key'), keys, limits, allowed);
      expect(d, clearinghouse).toEqual({
        accept: false,
        statusCode: 413,
        error: 'body exceeds 1024 bytes',
        reason: 'too-large',
      });
    }
  });

  it('gives every authentication failure the same status and error, with the reason for the logs', () => {
    const cases: [WebhookRequest, string][] = [
      [req(X12, { clearinghouse: 'unknown' }), 'unknown-clearinghouse'],
      [req(X12, { clearinghouse: 'constructor' }), 'unknown-clearinghouse'],
      [req(X12, { clearinghouse: 'fenced' }), 'source-not-allowed'],
      [req(X12, { headers: {} }), 'missing-headers'],
      [req(X12, {}, 'wrong-key-wrong-key'), 'bad-signature'],
    ];
    for (const [r, reason] of cases) {
      expect(decideWebhook(r, keys, limits, allowed)).toEqual({
        accept: false,
        statusCode: 401,
        error: 'unauthorized',
        reason,
      });
    }
    const inside = req(X12, { clearinghouse: 'fenced', sourceIp: '203.0.113.5' });
    expect(decideWebhook(inside, keys, limits, allowed).accept).toBe(true);
  });

  it('authenticates before judging the content: an unsigned binary body is a 401, a signed one a 400', () => {
    const binary = Buffer.from([0x49, 0x53, 0x41, 0, 1, 2]);
    const b64 = binary.toString('base64');
    const unsigned = { ...req(''), body: b64, isBase64Encoded: true, headers: {} };
    expect(decideWebhook(unsigned, keys, limits, allowed).statusCode).toBe(401);
    const signed = {
      ...unsigned,
      headers: { 'x-claimflow-timestamp': String(NOW), 'x-claimflow-signature': signBody(KEY, NOW, binary) },
    };
    expect(decideWebhook(signed, keys, limits, allowed)).toMatchObject({
      statusCode: 400,
      reason: 'not-text',
    });
  });
});

describe('decodeBody', () => {
  it('decodes text and strict base64, and refuses what cannot be decoded without altering it', () => {
    expect(Buffer.from(decodeBody('ISA*', false) ?? []).toString()).toBe('ISA*');
    expect(Buffer.from(decodeBody('SVNBKg==', true) ?? []).toString()).toBe('ISA*');
    expect(decodeBody(undefined, false)).toEqual(new Uint8Array(0));
    expect(decodeBody('SVNBKg=', true)).toBeUndefined();
    expect(decodeBody('SVNB Kg==', true)).toBeUndefined();
    expect(decodeBody('ISA*\uDC00', false)).toBeUndefined();
    expect(Buffer.from(decodeBody('é😀', false) ?? []).toString('utf8')).toBe('é😀');
  });
});
