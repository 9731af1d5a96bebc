/**
 * What the console knows of the signed-in user: read from the bearer token's payload (not verified
 * here: the API verifies every request). Pure.
 */
export interface Session {
  token: string;
  /** Who: the token's sub and its groups (practice ids and a role). No PHI. */
  sub: string;
  groups: string[];
  /** Epoch milliseconds; 0 when the token has no exp. */
  expiresAt: number;
}

function decodeClaims(token: string): { sub?: string; 'cognito:groups'?: string[]; exp?: number } {
  const part = (token.split('.')[1] ?? '').replace(/-/g, '+').replace(/_/g, '/');
  const bytes = Uint8Array.from(atob(part), (ch) => ch.charCodeAt(0));
  return JSON.parse(new TextDecoder().decode(bytes)) as {
    sub?: string;
    'cognito:groups'?: string[];
    exp?: number;
  };
}

export function sessionFromToken(token: string): Session {
  const c = decodeClaims(token);
  return {
    token,
    sub: c.sub ?? 'unknown',
    groups: Array.isArray(c['cognito:groups']) ? c['cognito:groups'] : [],
    expiresAt: (c.exp ?? 0) * 1000,
  };
}
