/** The reports as CSV documents (integer cents columns, rates as decimals). Pure. */
import { toCsv } from './csv';
import type { AgingReport, Kpis } from './metrics';

export function agingCsv(report: AgingReport): string {
  return toCsv(
    ['as_of', 'payer_id', 'bucket', 'insurance_cents', 'patient_cents', 'claims'],
    report.rows.map((r) => [report.asOf, r.payerId, r.bucket, r.insuranceCents, r.patientCents, r.claims]),
  );
}

/** One row per figure: metric, dimension (payer or CARC when it has one), numerator, denominator, value. */
export function kpisCsv(k: Kpis): string {
  const rows: (string | number | null)[][] = [
    ['days_in_ar', '', k.daysInAr.openCents, k.daysInAr.windowChargesCents, k.daysInAr.days],
    ['clean_claim_rate', '', k.cleanClaimRate.numerator, k.cleanClaimRate.denominator, k.cleanClaimRate.rate],
    [
      'first_pass_resolution_rate',
      '',
      k.firstPassResolutionRate.numerator,
      k.firstPassResolutionRate.denominator,
      k.firstPassResolutionRate.rate,
    ],
    ['denial_rate', '', k.denials.overall.numerator, k.denials.overall.denominator, k.denials.overall.rate],
    ...k.denials.byCarc.map((d) => [
      'denial_rate_by_carc',
      d.carc,
      d.rate.numerator,
      d.rate.denominator,
      d.rate.rate,
    ]),
    ...k.denials.byPayer.map((d) => [
      'denial_rate_by_payer',
      d.payerId,
      d.rate.numerator,
      d.rate.denominator,
      d.rate.rate,
    ]),
    [
      'net_collection_rate',
      '',
      k.netCollection.rate.numerator,
      k.netCollection.rate.denominator,
      k.netCollection.rate.rate,
    ],
    ['charge_lag_average_days', '', '', k.chargeLag.claims, k.chargeLag.averageDays],
    ['charge_lag_median_days', '', '', k.chargeLag.claims, k.chargeLag.medianDays],
  ];
  return toCsv(
    ['as_of', 'metric', 'dimension', 'numerator', 'denominator', 'value'],
    rows.map((r) => [k.asOf, ...r]),
  );
}
