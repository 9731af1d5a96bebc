/**
 * Whether two claims built from charge files bill the same thing: every field but where and when
 * the file came in (sourceFile, receivedAt). Key order and absent-vs-undefined do not matter.
 */
import type { Claim } from '../claims/model';

const SOURCE_FIELDS = new Set(['sourceFile', 'receivedAt']);

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

/** The claim's content as one string, without its source file and receipt time. */
export function chargeContent(claim: Claim): string {
  const rest = Object.fromEntries(Object.entries(claim).filter(([k]) => !SOURCE_FIELDS.has(k)));
  return JSON.stringify(canonical(rest));
}

export function sameCharges(a: Claim, b: Claim): boolean {
  return chargeContent(a) === chargeContent(b);
}
