import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { claimIdFor } from '../../../shared/claims/ids';

/** RFC 4648 base32 through a bit string: a second, independent way to compute the id. */
function reference(practiceId: string, encounterId: string): string {
  const digest = createHash('sha256').update(`${practiceId}\u0000${encounterId}`).digest();
  const bits = [...digest].map((b) => b.toString(2).padStart(8, '0')).join('');
  let out = 'C';
  for (let i = 0; i < 16; i++)
    out += 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'[Number.parseInt(bits.slice(i * 5, i * 5 + 5), 2)];
  return out;
}

describe('claimIdFor', () => {
  it("is 'C' + 16 base32 characters of sha256(practice NUL encounter)", () => {
    for (const [p, e] of [
      ['PRAC1', 'E1'],
      ['PRAC1', 'ENC-PRAC1-0001'],
      ['P', 'ÉNC 1'],
    ] as const) {
      const id = claimIdFor(p, e);
      expect(id).toMatch(/^C[A-Z2-7]{16}$/);
      expect(id).toBe(reference(p, e));
    }
  });

  it('is deterministic and tells practices and encounters apart', () => {
    expect(claimIdFor('PRAC1', 'E1')).toBe(claimIdFor('PRAC1', 'E1'));
    expect(claimIdFor('PRAC1', 'E1')).not.toBe(claimIdFor('PRAC2', 'E1'));
    expect(claimIdFor('PRAC1', 'E1')).not.toBe(claimIdFor('PRAC1', 'E2'));
    expect(claimIdFor('A', 'BC')).not.toBe(claimIdFor('AB', 'C'));
  });
});
