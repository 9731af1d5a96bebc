/**
 * Payer rules from the registry (shared/payers): corrected-claim rules, prior authorization, and a
 * warning when the claim's payer is not in the registry (defaults apply). Timely filing is applied by
 * ./rules with the payer's window. Pure; findings name the payer id and codes, never patient data.
 */
import type { Claim } from '../claims/model';
import { DEFAULT_PAYER_RULES, type Payer } from '../payers';
import type { ScrubFinding } from './rules';

/**
 * `payer`: the registry record; `null` when the registry was asked and has none (warning);
 * `undefined` when no registry was consulted (offline checks): nothing to say.
 */
export function scrubPayerRules(claim: Claim, payer: Payer | null | undefined): ScrubFinding[] {
  if (payer === undefined) return [];
  const id = claim.payer.payerId;
  if (payer === null) {
    return [
      {
        rule: 'PAYER_NOT_IN_REGISTRY',
        severity: 'warning',
        message: `payer ${id} is not in the payer registry: defaults apply (claim filing indicator ${DEFAULT_PAYER_RULES.claimFilingIndicator}, timely filing ${DEFAULT_PAYER_RULES.timelyFilingDays} days)`,
        field: 'payer_id',
      },
    ];
  }
  const out: ScrubFinding[] = [];
  if (claim.frequencyCode === '7' && !payer.correctedClaims.replacementAccepted) {
    out.push({
      rule: 'CORRECTED_CLAIM_NOT_ACCEPTED',
      severity: 'error',
      message: `payer ${id} does not accept replacement claims (frequency 7): void the original (frequency 8) and send a new claim`,
      field: 'frequency_code',
    });
  }
  if (
    claim.frequencyCode !== '1' &&
    payer.correctedClaims.originalClaimNumberRequired &&
    !claim.originalPayerClaimNumber?.trim()
  ) {
    out.push({
      rule: 'ORIGINAL_CLAIM_NUMBER_REQUIRED',
      severity: 'error',
      message: `payer ${id} requires the payer claim number of the original claim (REF*F8) on a frequency ${claim.frequencyCode} claim`,
      field: 'original_payer_claim_number',
    });
  }
  const needsAuth = new Set(payer.priorAuthorizationCodes);
  for (const line of claim.lines) {
    // A code the payer authorizes first needs the authorization number on the claim (2300 REF*G1).
    if (!needsAuth.has(line.procedureCode) || claim.priorAuthorization) continue;
    out.push({
      rule: 'PRIOR_AUTH_REQUIRED',
      severity: 'error',
      message: `line ${line.lineId}: payer ${id} requires prior authorization for ${line.procedureCode}; give prior_authorization (REF*G1)`,
      lineId: line.lineId,
      field: 'procedure_code',
    });
  }
  return out;
}
