/**
 * The claims list's filters and the POST /api/claims/search body built from them. Pure. The body
 * carries every filter, so nothing (a patient account is PHI) goes into a URL.
 */
import { CLAIM_STATUSES } from '../../../shared/claims/model';
import type { components } from '../api/schema';

type Search = components['schemas']['ClaimSearch'];
/** Every claim status, in lifecycle order (the API's enum). */
export const STATUSES: readonly NonNullable<Search['status']>[] = CLAIM_STATUSES;

export interface Filters {
  status: string;
  payerId: string;
  practiceId: string;
  serviceFrom: string;
  serviceTo: string;
  arBucket: string;
  searchBy: 'claimId' | 'patientAccount';
  search: string;
}

export const EMPTY_FILTERS: Filters = {
  status: '',
  payerId: '',
  practiceId: '',
  serviceFrom: '',
  serviceTo: '',
  arBucket: '',
  searchBy: 'claimId',
  search: '',
};

/** The search request for the filters: only what is set. Pure. */
export function searchBody(f: Filters, cursor: string | undefined, limit = 25): Search {
  const body: Search = { limit };
  if (f.status) body.status = f.status as Search['status'];
  if (f.payerId.trim()) body.payerId = f.payerId.trim();
  if (f.practiceId) body.practiceId = f.practiceId;
  if (f.serviceFrom) body.serviceFrom = f.serviceFrom;
  if (f.serviceTo) body.serviceTo = f.serviceTo;
  if (f.arBucket) body.arBucket = f.arBucket as Search['arBucket'];
  if (f.search.trim()) body[f.searchBy] = f.search.trim();
  if (cursor) body.cursor = cursor;
  return body;
}
