/**
 * Demo charge files: deterministic (seeded), obviously fake people, valid NPIs, common CPT/HCPCS
 * codes (codes only, no descriptions), ICD-10-CM codes. Some claims are built to fail the scrub
 * and a few rows to fail validation, so the demo shows both.
 */
import { CORE_CHARGE_COLUMNS } from '../../shared/charges';
import { npiCheckDigit } from '../../shared/scrub';

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PROCEDURES: [string, number][] = [
  ['99213', 11000],
  ['99214', 16500],
  ['99203', 15000],
  ['36415', 2500],
  ['80053', 4800],
  ['85025', 3500],
  ['93000', 6000],
  ['71046', 9500],
  ['97110', 7000],
  ['90471', 3000],
  ['90686', 4200],
  ['G0439', 19000],
];
// Billable (not header) in FY2026 and FY2027, for either sex and any age: M54.50 and R51.9, not the
// headers M54.5 and R51. Z00.00 is the adult exam, kept for the dependents too (no age edit on it).
const DIAGNOSES = ['E119', 'I10', 'J069', 'M5450', 'Z0000', 'R519', 'E785', 'K219', 'F419', 'N390'];
const PAYERS = [
  ['SIMPAYER1', 'SIMULATED PAYER ONE'],
  ['SIMPAYER2', 'SIMULATED PAYER TWO'],
  ['SIMPAYER3', 'SIMULATED PAYER THREE'],
] as const;
const FIRST = ['ALEX', 'SAM', 'JORDAN', 'TAYLOR', 'CASEY', 'RILEY', 'MORGAN', 'JAMIE', 'AVERY', 'QUINN'];
const CITIES = [
  ['SPRINGFIELD', 'IL', '62701'],
  ['RIVERTON', 'WY', '82501'],
  ['FAIRVIEW', 'TN', '37062'],
] as const;
type Defect = 'BAD_NPI' | 'BAD_ICD' | 'POINTER' | 'FUTURE_DOS' | 'BAD_POS';
const DEFECTS: Defect[] = ['BAD_NPI', 'BAD_ICD', 'POINTER', 'FUTURE_DOS', 'BAD_POS'];

export interface DemoOptions {
  seed: number;
  practiceId: string;
  claims: number;
  today: string; // YYYY-MM-DD
  /** Share of claims built to fail the scrub (default 0.1; 0 for none). */
  errorRate?: number;
  /** Extra rows that fail validation, each in an encounter of its own (default 3). */
  badRows?: number;
}

function npi(rand: () => number): string {
  const first9 = `1${String(Math.floor(rand() * 1e8)).padStart(8, '0')}`;
  return first9 + npiCheckDigit(first9);
}

const csvField = (v: string) => (/[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
const addDays = (iso: string, days: number) =>
  new Date(Date.parse(`${iso}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

export function generateDemoChargeCsv(opts: DemoOptions): string {
  const rand = mulberry32(opts.seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T;
  const billingNpi = npi(rand);
  const renderingNpi = npi(rand);
  const badNpi = billingNpi.slice(0, 9) + String((Number(billingNpi[9]) + 1) % 10);
  const rows: Record<string, string>[] = [];
  const errorRate = opts.errorRate ?? 0.1;
  const defective = new Set<number>();
  const wanted = errorRate > 0 ? Math.max(1, Math.round(opts.claims * errorRate)) : 0;
  while (defective.size < Math.min(wanted, opts.claims)) defective.add(Math.floor(rand() * opts.claims));
  const malformed = new Set<number>();
  while (malformed.size < Math.min(opts.badRows ?? 3, opts.claims))
    malformed.add(Math.floor(rand() * opts.claims));
  let defectIndex = 0;

  for (let c = 0; c < opts.claims; c++) {
    const [payerId, payerName] = pick(PAYERS);
    const [city, state, zip] = pick(CITIES);
    const dependent = rand() < 0.2;
    const dos = addDays(opts.today, -(1 + Math.floor(rand() * 60)));
    const dxCount = 1 + Math.floor(rand() * 3);
    const dxs = [...new Set(Array.from({ length: dxCount }, () => pick(DIAGNOSES)))];
    const lineCount = 1 + Math.floor(rand() * 4);
    const defect = defective.has(c) ? DEFECTS[defectIndex++ % DEFECTS.length] : undefined;
    const n = String(c + 1).padStart(4, '0');
    const base: Record<string, string> = {
      practice_id: opts.practiceId,
      encounter_id: `ENC-${opts.practiceId}-${n}`,
      patient_last_name: `TESTPATIENT${n}`,
      patient_first_name: pick(FIRST),
      patient_dob: dependent
        ? `20${String(10 + Math.floor(rand() * 10))}-0${1 + Math.floor(rand() * 9)}-15`
        : `19${50 + Math.floor(rand() * 45)}-0${1 + Math.floor(rand() * 9)}-1${Math.floor(rand() * 9)}`,
      patient_gender: pick(['M', 'F']),
      patient_address1: `${100 + c} TEST STREET`,
      patient_city: city,
      patient_state: state,
      patient_zip: zip,
      relationship: dependent ? '19' : '18',
      member_id: `SIMMBR${opts.seed}${n}`,
      group_number: `GRP${1 + Math.floor(rand() * 5)}`,
      payer_id: payerId,
      payer_name: payerName,
      billing_npi: defect === 'BAD_NPI' ? badNpi : billingNpi,
      billing_name: `TEST CLINIC ${opts.practiceId}`,
      billing_tax_id: '123456789',
      billing_address1: '1 CLINIC WAY',
      billing_city: 'SPRINGFIELD',
      billing_state: 'IL',
      billing_zip: '627011234',
      rendering_npi: renderingNpi,
      rendering_last_name: 'TESTDOCTOR',
      rendering_first_name: 'PAT',
      place_of_service: defect === 'BAD_POS' ? '30' : '11',
    };
    if (dependent) {
      Object.assign(base, {
        subscriber_last_name: `TESTPATIENT${n}`,
        subscriber_first_name: 'PARENT',
        subscriber_dob: `19${70 + Math.floor(rand() * 20)}-05-20`,
        subscriber_gender: pick(['M', 'F']),
        subscriber_address1: base.patient_address1,
        subscriber_city: city,
        subscriber_state: state,
        subscriber_zip: zip,
      });
    }
    dxs.forEach((d, i) => {
      base[`dx${i + 1}`] = defect === 'BAD_ICD' && i === 0 ? '9999' : d;
    });
    const used = new Set<string>();
    for (let l = 0; l < lineCount; l++) {
      let proc = pick(PROCEDURES);
      while (used.has(proc[0])) proc = pick(PROCEDURES);
      used.add(proc[0]);
      const row: Record<string, string> = {
        ...base,
        line_id: `L${l + 1}`,
        date_of_service: defect === 'FUTURE_DOS' ? addDays(opts.today, 20) : dos,
        procedure_code: proc[0],
        modifiers: proc[0] === '99213' && lineCount > 1 ? '25' : '',
        units: '1',
        charge: (proc[1] / 100).toFixed(2),
        dx_pointers:
          defect === 'POINTER' && l === 0
            ? `${dxs.length + 1}`
            : dxs
                .map((_, i) => i + 1)
                .slice(0, 4)
                .join(':'),
      };
      rows.push(row);
    }
  }
  // A few malformed rows: each is its own encounter so the rest of the file stays billable.
  let m = 0;
  for (const c of malformed) {
    const source = rows.find(
      (r) => r.encounter_id === `ENC-${opts.practiceId}-${String(c + 1).padStart(4, '0')}`,
    );
    if (!source) continue;
    const bad: Record<string, string> = {
      ...source,
      encounter_id: `${source.encounter_id}-X`,
      line_id: 'L1',
    };
    if (m % 3 === 0) bad.patient_dob = '1985-02-30';
    else if (m % 3 === 1) bad.member_id = '';
    else bad.charge = 'TEN DOLLARS';
    rows.push(bad);
    m++;
  }
  const header = CORE_CHARGE_COLUMNS.join(',');
  return `${[header, ...rows.map((r) => CORE_CHARGE_COLUMNS.map((col) => csvField(r[col] ?? '')).join(','))].join('\n')}\n`;
}
