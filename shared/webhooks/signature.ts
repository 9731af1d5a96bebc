/**
 * Webhook signatures: HMAC-SHA256 over `${timestamp}.${rawBody}` with the clearinghouse's key.
 * Headers: `x-claimflow-timestamp: <unix seconds>` and `x-claimflow-signature: sha256=<hex>`.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'x-claimflow-signature';
export const TIMESTAMP_HEADER = 'x-claimflow-timestamp';

export function signBody(key: string, timestamp: number, body: string | Uint8Array): string {
  const mac = createHmac('sha256', key);
  mac.update(`${timestamp}.`);
  mac.update(body);
  return `sha256=${mac.digest('hex')}`;
}

export type SignatureCheck =
  | { ok: true }
  | { ok: false; reason: 'missing-headers' | 'bad-timestamp' | 'stale-timestamp' | 'bad-signature' };

/**
 * Checks a signature in constant time and the timestamp against `nowSeconds` within `toleranceSeconds`
 * (both directions, so a replay of an old, validly signed request is refused).
 */
export function verifySignature(args: {
  key: string;
  body: Uint8Array;
  signature: string | undefined;
  timestamp: string | undefined;
  nowSeconds: number;
  toleranceSeconds: number;
}): SignatureCheck {
  const { signature, timestamp } = args;
  if (!signature || !timestamp) return { ok: false, reason: 'missing-headers' };
  if (!/^\d{1,12}$/.test(timestamp)) return { ok: false, reason: 'bad-timestamp' };
  const ts = Number(timestamp);
  if (Math.abs(args.nowSeconds - ts) > args.toleranceSeconds) return { ok: false, reason: 'stale-timestamp' };
  const expected = Buffer.from(signBody(args.key, ts, args.body));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
    return { ok: false, reason: 'bad-signature' };
  }
  return { ok: true };
}
