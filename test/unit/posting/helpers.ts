import type { Adjustment, ClaimPayment, ServicePayment } from '../../../shared/x12/types';

export { describeWithSamples, readSample, SAMPLES_DIR } from '../../support/samples';

export const adj = (group: Adjustment['group'], reason: string, amountCents: number): Adjustment => ({
  group,
  reason,
  amountCents,
});

export function service(overrides: Partial<ServicePayment> = {}): ServicePayment {
  return {
    procedureQualifier: 'HC',
    procedureCode: '99213',
    modifiers: [],
    chargeCents: 10000,
    paidCents: 10000,
    adjustments: [],
    remarkCodes: [],
    ...overrides,
  };
}

/** A ClaimPayment for claim CLM1: $100 charged, fully paid, unless overridden. */
export function payment(overrides: Partial<ClaimPayment> = {}): ClaimPayment {
  return {
    patientControlNumber: 'CLM1',
    statusCode: '1',
    chargeCents: 10000,
    paidCents: 10000,
    patientResponsibilityCents: 0,
    payerClaimControlNumber: 'PCN1',
    adjustments: [],
    services: [],
    remarkCodes: [],
    ...overrides,
  };
}
