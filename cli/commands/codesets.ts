/** claimflow codesets: the code-set versions the scrubber has loaded (and an NCCI table's, if given). */
import { parseArgs } from 'node:util';
import { codeSetVersions } from '../../shared/scrub/codesets';
import { EXIT_OK, type Io, UsageError } from '../io';
import { readNcciTable } from './offline';

export const CODESETS_USAGE = `usage: claimflow codesets [--json] [--ncci TABLE.json]
  Shows the loaded code-set versions (ICD-10-CM fiscal years, HCPCS, modifiers, CARC/RARC) and,
  with --ncci, the sources of an NCCI table.`;

export async function codesets(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { json: { type: 'boolean' }, ncci: { type: 'string' } },
  });
  if (positionals.length > 0) throw new UsageError(`codesets takes no files\n${CODESETS_USAGE}`);
  const v = codeSetVersions();
  const ncci = values.ncci ? readNcciTable(values.ncci).meta : undefined;
  if (values.json) {
    const { sources: _s, ...versions } = v;
    io.out(JSON.stringify({ ...versions, ...(ncci ? { ncci } : {}) }, null, 2));
    return EXIT_OK;
  }
  const years = Object.entries(v.icd10cm.fiscalYears)
    .map(([fy, y]) => `FY${fy} (${y.start}..${y.end}, ${y.billable} billable)`)
    .join(', ');
  io.out(`ICD-10-CM   ${years}`);
  io.out(
    `HCPCS II    ${v.hcpcs.release}, reliable through ${v.hcpcs.reliableThrough}, ${v.hcpcs.codes} codes (${v.hcpcs.terminated} terminated)`,
  );
  io.out(`modifiers   ${v.modifiers.release}, reliable through ${v.modifiers.reliableThrough}`);
  io.out(`CARC        as of ${v.carc.asOf}, ${v.carc.active} active of ${v.carc.codes}`);
  io.out(`RARC        as of ${v.rarc.asOf}, ${v.rarc.active} active of ${v.rarc.codes}`);
  io.out(`CPT         ${v.cpt}`);
  if (ncci) {
    io.out(
      `NCCI        generated ${ncci.generatedAt}: ${ncci.counts.ptpPairs} PTP pairs, ${ncci.counts.mueCodes} MUE codes, from ${ncci.sources.map((s) => s.file).join(', ')}`,
    );
  } else {
    io.out('NCCI        no table given (--ncci TABLE.json; build one with claimflow ncci load)');
  }
  return EXIT_OK;
}
