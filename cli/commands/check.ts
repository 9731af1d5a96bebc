/** claimflow check FILE.csv: intake + scrub offline, every finding with line, claim and rule. */
import { parseArgs } from 'node:util';
import { EXIT_FINDINGS, EXIT_OK, type Io, isoDate, UsageError, wholeNumber } from '../io';
import { checkChargeFile, type LocatedFinding } from './offline';

export const CHECK_USAGE = `usage: claimflow check FILE.csv [--json] [--today YYYY-MM-DD] [--timely-filing-days N]
                       [--ncci TABLE.json] [--progress]
  Runs intake and the scrubber on a charge file, offline. Exit 0 when every claim would go out,
  1 when any would not (or a row is refused), 2 on usage errors or an unreadable file.`;

export const scrubOptions = {
  today: { type: 'string' },
  'timely-filing-days': { type: 'string' },
  ncci: { type: 'string' },
  progress: { type: 'boolean' },
} as const;

export function scrubContext(values: { today?: string; 'timely-filing-days'?: string }) {
  return {
    today: isoDate(values.today, '--today') ?? new Date().toISOString().slice(0, 10),
    timelyFilingDays: wholeNumber(values['timely-filing-days'], '--timely-filing-days', 1, 3650) ?? 365,
  };
}

const text = (f: LocatedFinding): string =>
  [
    `line ${f.line ?? '-'}`,
    `claim ${f.claimId ?? '-'}`,
    ...(f.claimId ? [] : [`encounter ${f.encounterId ?? '-'}`]),
    f.rule,
    `${f.severity}: ${f.message}${f.field ? ` [${f.field}]` : ''}`,
  ].join('  ');

export async function check(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { json: { type: 'boolean' }, ...scrubOptions },
  });
  if (positionals.length !== 1) throw new UsageError(`check takes one charge file\n${CHECK_USAGE}`);
  const r = await checkChargeFile(
    positionals[0] as string,
    {
      ...scrubContext(values),
      ...(values.ncci ? { ncciTable: values.ncci } : {}),
      ...(values.progress ? { progress: true } : {}),
    },
    io,
  );
  const held = r.claims.filter((c) => !c.goesOut).length;
  const failed = r.rejected !== undefined || held > 0 || r.rowErrors > 0;
  if (values.json) {
    io.out(
      JSON.stringify(
        {
          file: r.file,
          rows: r.rowCount,
          ...(r.rejected ? { rejected: r.rejected } : {}),
          claims: r.claims.length,
          claimsGoingOut: r.claims.length - held,
          claimsHeld: held,
          rowsRefused: r.rowErrors,
          ok: !failed,
          findings: r.findings,
        },
        null,
        2,
      ),
    );
  } else {
    if (r.rejected) io.out(`${r.file}: file refused (${r.rejected.code}): ${r.rejected.reason}`);
    for (const f of r.findings) io.out(text(f));
    io.out(
      `${r.file}: ${r.rowCount} rows, ${r.claims.length} claims: ${r.claims.length - held} would go out, ${held} would not; ${r.rowErrors} rows refused at intake`,
    );
  }
  return failed ? EXIT_FINDINGS : EXIT_OK;
}
