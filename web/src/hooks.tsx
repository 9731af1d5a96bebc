/**
 * HOOKS for routes other engineers are adding (issue 6). They render nothing until their route is in
 * web/src/api/schema.d.ts (regenerate with `npm run web:types`); then replace the body with the call.
 * Nothing here pretends the action exists.
 *
 * - HOOK(void): POST /api/claims/{claimId}/void (frequency 8, manager role), from the workflow
 *   branch. Render a "Void claim" button on the claim page for managers when the route exists.
 */
import type { paths } from './api/schema';

type HasPath<P extends string> = P extends keyof paths ? true : false;

/** True once the generated schema has the void route (it does not yet). */
export const VOID_ROUTE_AVAILABLE: HasPath<'/api/claims/{claimId}/void'> = false;

export function VoidClaimHook(_: { claimId: string }) {
  // HOOK(void): see above.
  return null;
}
