import { type ClaimPayment835Input, write835 } from '../../shared/x12';
import { makePayerEnvelope } from '../unit/x12/fixtures';

/** A one-transaction 835 paying `claims`, with a fixed payer, payee and trace number. */
export function remit835(
  claims: ClaimPayment835Input[],
  opts: { traceNumber?: string; paymentCentsOverride?: number } = {},
): string {
  return write835({
    envelope: makePayerEnvelope(),
    payer: {
      name: 'PAYER',
      identifier: '1999999999',
      address: { line1: '1 A ST', city: 'X', state: 'CT', zip: '061030001' },
    },
    payee: { name: 'CLINIC', npi: '1234567893' },
    traceNumber: opts.traceNumber ?? 'TRACE1',
    paymentMethod: 'ACH',
    paymentDate: '2026-11-01',
    claims,
    ...(opts.paymentCentsOverride !== undefined ? { paymentCentsOverride: opts.paymentCentsOverride } : {}),
  }).x12;
}
