/**
 * Deterministic claim ids: the same practice + encounter always gives the same id, so a re-uploaded
 * charge file creates nothing new. 'C' + 16 base32 characters of SHA-256 = 17 characters (CLM01).
 */
import { createHash } from 'node:crypto';

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

function base32(bytes: Uint8Array, length: number): string {
  let out = '';
  let bits = 0;
  let value = 0;
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5 && out.length < length) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    value &= (1 << bits) - 1;
    if (out.length >= length) break;
  }
  return out;
}

export function claimIdFor(practiceId: string, encounterId: string): string {
  const digest = createHash('sha256').update(`${practiceId}\u0000${encounterId}`).digest();
  return `C${base32(digest, 16)}`;
}
