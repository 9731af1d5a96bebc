/**
 * The console's pages and their hash URLs. Only claim ids (not PHI) ever appear in a URL: filters and
 * searches (patient account, names) stay in memory and go to the API in POST bodies.
 */
export type Route =
  | { page: 'dashboard' }
  | { page: 'claims' }
  | { page: 'claim'; claimId: string }
  | { page: 'correct'; claimId: string }
  | { page: 'appeal'; claimId: string }
  | { page: 'work' }
  | { page: 'statements' }
  | { page: 'reports' };

/** As the API's claim id path parameter (functions/api/schemas.ts ClaimIdParam). */
const CLAIM_ID = /^[A-Za-z0-9-]{1,38}$/;

const SIMPLE = ['dashboard', 'claims', 'work', 'statements', 'reports'] as const;

/** "#/claims/CABC/correct" -> { page: 'correct', claimId: 'CABC' }; anything unknown -> dashboard. */
export function parseRoute(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').filter(Boolean);
  const [first, id, sub] = parts;
  if (first === 'claims' && id && CLAIM_ID.test(id)) {
    if (parts.length === 2) return { page: 'claim', claimId: id };
    if (parts.length === 3 && sub === 'correct') return { page: 'correct', claimId: id };
    if (parts.length === 3 && sub === 'appeal') return { page: 'appeal', claimId: id };
  }
  if (parts.length === 1 && (SIMPLE as readonly string[]).includes(first ?? ''))
    return { page: first as (typeof SIMPLE)[number] };
  return { page: 'dashboard' };
}

export function href(route: Route): string {
  switch (route.page) {
    case 'claim':
      return `#/claims/${encodeURIComponent(route.claimId)}`;
    case 'correct':
    case 'appeal':
      return `#/claims/${encodeURIComponent(route.claimId)}/${route.page}`;
    default:
      return `#/${route.page}`;
  }
}

export const PAGE_TITLES: Record<Route['page'], string> = {
  dashboard: 'Dashboard',
  claims: 'Claims',
  claim: 'Claim',
  correct: 'Correct claim',
  appeal: 'Appeal',
  work: 'Work queue',
  statements: 'Statements',
  reports: 'Reports',
};
