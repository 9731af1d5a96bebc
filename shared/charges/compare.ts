/**
 * Whether two claims built from charge files bill the same thing: every field a charge file sets,
 * but not where and when the file came in (sourceFile, receivedAt) nor what the workflow sets later
 * (frequencyCode, originalPayerClaimNumber for a replacement). Key order and undefined do not matter.
 */
import { createHash } from 'node:crypto';
import type { Claim } from '../claims/model';

const NOT_CONTENT = new Set(['sourceFile', 'receivedAt', 'frequencyCode', 'originalPayerClaimNumber']);

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) out[key] = canonical(v);
    }
    return out;
  }
  return value;
}

/** The claim's charge content as one canonical string. */
export function chargeContent(claim: Claim): string {
  const rest = Object.fromEntries(Object.entries(claim).filter(([k]) => !NOT_CONTENT.has(k)));
  return JSON.stringify(canonical(rest));
}

/** SHA-256 of the charge content (hex): what intake keeps to recognise a re-upload. */
export function chargeContentHash(claim: Claim): string {
  return createHash('sha256').update(chargeContent(claim)).digest('hex');
}

export function sameCharges(a: Claim, b: Claim): boolean {
  return chargeContent(a) === chargeContent(b);
}
