/**
 * Scrub rules for the optional 837P content of issue 7 (referring, supervising and facility
 * providers, onset and accident dates, related causes): cross-field consistency that a payer would
 * reject on. Pure. The element-level checks (codes, formats, lengths) are in shared/x12/check837p.ts,
 * which runs these too, so the scrubber reports them and the 837P writer refuses them alike.
 *
 * Findings name the rule, the column and the element, never the value (values are PHI).
 */
import type { Claim } from '../claims/model';
import type { ElementProblem } from '../x12/check837p';
import { isValidNpi } from './formats';

const isIsoDate = (v: string): boolean => /^\d{4}-\d{2}-\d{2}$/.test(v) && !Number.isNaN(Date.parse(v));

export function contentFindings(claim: Claim): ElementProblem[] {
  const out: ElementProblem[] = [];

  const npis: [string | undefined, string, string, string][] = [
    [claim.referringProvider?.npi, 'referring_npi', '2310A NM109', 'referring provider'],
    [claim.serviceFacility?.npi, 'facility_npi', '2310C NM109', 'service facility'],
    [claim.supervisingProvider?.npi, 'supervising_npi', '2310D NM109', 'supervising provider'],
  ];
  for (const [npi, field, element, who] of npis) {
    // A value that is not 10 digits is check837p's NPI_FORMAT.
    if (npi !== undefined && /^\d{10}$/.test(npi) && !isValidNpi(npi)) {
      out.push({
        rule: 'NPI_CHECK_DIGIT',
        field,
        element,
        message: `${who} NPI fails the check digit (Luhn with prefix 80840) (${element})`,
      });
    }
  }

  // Onset and accident come before the visit and after birth.
  const services = claim.lines.map((l) => l.dateOfService).filter(isIsoDate);
  const firstService = services.sort()[0];
  const dated: [string | undefined, string, string, string][] = [
    [claim.onsetDate, 'onset_date', '2300 DTP*431', 'onset date'],
    [claim.accident?.date, 'accident_date', '2300 DTP*439', 'accident date'],
  ];
  // A deceased patient: no service after death, and death not before birth.
  const death = claim.patientDeathDate;
  if (death !== undefined && isIsoDate(death)) {
    const last = [...services].sort().at(-1);
    if (last !== undefined && last > death) {
      out.push({
        rule: 'DATE_ORDER',
        field: 'date_of_service',
        element: '2400 DTP*472',
        message: "a date of service is after the patient's date of death (2000B/2000C PAT06)",
      });
    }
    if (isIsoDate(claim.patient.dob) && death < claim.patient.dob) {
      out.push({
        rule: 'DATE_ORDER',
        field: 'patient_death_date',
        element: '2000B/2000C PAT06',
        message: "the patient's date of death is before the date of birth (2000B/2000C PAT06)",
      });
    }
  }
  for (const [date, field, element, label] of dated) {
    if (date === undefined || !isIsoDate(date)) continue;
    if (firstService !== undefined && date > firstService) {
      out.push({
        rule: 'DATE_ORDER',
        field,
        element,
        message: `${label} is after the claim's first date of service (${element})`,
      });
    }
    if (isIsoDate(claim.patient.dob) && date < claim.patient.dob) {
      out.push({
        rule: 'DATE_ORDER',
        field,
        element,
        message: `${label} is before the patient's date of birth (${element})`,
      });
    }
  }

  // 2310C is sent only when the service was not rendered at the billing provider's address (TR3).
  const fac = claim.serviceFacility;
  if (fac) {
    const key = (a: Claim['billingProvider']['address']) =>
      [a.line1, a.line2 ?? '', a.city, a.state, a.zip].map((v) =>
        v.trim().toUpperCase().replace(/\s+/g, ' '),
      );
    if (JSON.stringify(key(fac.address)) === JSON.stringify(key(claim.billingProvider.address))) {
      out.push({
        rule: 'FACILITY_IS_BILLING_ADDRESS',
        field: 'facility_address1',
        element: '2310C N3',
        message:
          'service facility has the billing provider address: leave the facility columns empty, 2310C is sent only for another location (2310C N3)',
      });
    }
  }

  // CLM11-4 is the state of an auto accident: with EM or OA alone it has no meaning.
  const acc = claim.accident;
  if (acc?.state !== undefined && !acc.causes.includes('AA')) {
    out.push({
      rule: 'ACCIDENT_STATE_WITHOUT_AUTO',
      field: 'accident_state',
      element: '2300 CLM11-4',
      message: 'accident state is sent only for an auto accident (AA in accident_causes) (2300 CLM11-4)',
    });
  }
  return out;
}
