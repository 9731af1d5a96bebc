import { el, tokenizeSync } from '../../../shared/x12';

/** CLM01 of every claim in an 837P. */
export const read837PClaimIds = (x12: string): string[] =>
  [...tokenizeSync(x12)].filter((s) => s.id === 'CLM').map((s) => el(s, 1));
