/**
 * Who is calling the workbench API and what they may see. Pure: the API's auth strategies (API
 * Gateway's Cognito authorizer on AWS, a locally signed JWT) hand the token's claims here.
 *
 * Cognito groups are practice ids (`PRAC1`) plus one role group (`biller`, `manager`, `admin`).
 * Every role is scoped to its practice groups: a claim of another practice does not exist for the
 * caller (the API answers 404, never 403).
 */

export const ROLES = ['biller', 'manager', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export interface Caller {
  /** Cognito `sub`: an opaque user id, the only identity written to the access-audit log. */
  sub: string;
  role: Role;
  /** Practice ids the caller works for, sorted, unique. */
  practiceIds: readonly string[];
}

/** Practice ids as intake and the S3 layout use them: upper-case letters, digits, - and _. */
export const PRACTICE_ID = /^[A-Z0-9][A-Z0-9_-]{0,31}$/;

/**
 * The `cognito:groups` claim in the shapes it arrives in: an array (a decoded JWT) or, through
 * API Gateway HTTP API's JWT authorizer, a string such as `[PRAC1 biller]` (or comma-separated).
 */
export function parseGroups(value: unknown): string[] {
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  if (typeof value !== 'string') return [];
  return value
    .replace(/^\[|\]$/g, '')
    .split(/[\s,]+/)
    .map((g) => g.trim())
    .filter(Boolean);
}

const RANK: Record<Role, number> = { biller: 1, manager: 2, admin: 3 };

/**
 * The caller named by verified token claims, or undefined when they do not name one (no `sub`, no
 * role group, no practice group): the API answers 401. With several role groups the highest counts.
 */
export function callerFromClaims(claims: Record<string, unknown> | undefined): Caller | undefined {
  if (!claims) return undefined;
  const sub = claims.sub;
  if (typeof sub !== 'string' || sub.length === 0) return undefined;
  const groups = parseGroups(claims['cognito:groups']);
  let role: Role | undefined;
  const practices = new Set<string>();
  for (const g of groups) {
    if ((ROLES as readonly string[]).includes(g)) {
      const r = g as Role;
      if (!role || RANK[r] > RANK[role]) role = r;
    } else if (PRACTICE_ID.test(g)) {
      practices.add(g);
    }
  }
  if (!role || practices.size === 0) return undefined;
  return { sub, role, practiceIds: [...practices].sort() };
}

export function canSee(caller: Caller, practiceId: string): boolean {
  return caller.practiceIds.includes(practiceId);
}

/**
 * The practices a list may read: the caller's, narrowed to `requested` when given. A practice the
 * caller does not work for yields none (an empty list, not an error: it must not reveal anything).
 */
export function practicesToRead(caller: Caller, requested?: string): string[] {
  if (requested === undefined) return [...caller.practiceIds];
  return canSee(caller, requested) ? [requested] : [];
}
