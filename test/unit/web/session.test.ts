import { expect, it } from 'vitest';
import { signLocalToken } from '../../../functions/api/auth';
import { sessionFromToken } from '../../../web/src/lib/session';

const b64url = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

it('reads who signed in from a local token: sub, groups, expiry', async () => {
  const now = new Date('2026-03-01T00:00:00Z');
  const token = await signLocalToken(
    'x'.repeat(32),
    { sub: 'local-manager', groups: ['PRAC1', 'manager'] },
    { now },
  );
  expect(sessionFromToken(token)).toEqual({
    token,
    sub: 'local-manager',
    groups: ['PRAC1', 'manager'],
    expiresAt: now.getTime() + 3600_000,
  });
});

it('reads a Cognito-style payload with base64url characters and UTF-8, without padding', () => {
  const payload = { sub: 'ü-user', 'cognito:groups': ['PRAC2', 'biller'], exp: 1_800_000_000, x: '>>>???' };
  const s = sessionFromToken(`h.${b64url(payload)}.sig`);
  expect(s).toMatchObject({ sub: 'ü-user', groups: ['PRAC2', 'biller'], expiresAt: 1_800_000_000_000 });
});

it('has no groups and expires at once when the token carries none', () => {
  expect(sessionFromToken(`h.${b64url({ sub: 'a' })}.s`)).toMatchObject({ groups: [], expiresAt: 0 });
});
