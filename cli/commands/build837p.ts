/**
 * claimflow build-837p FILE.csv --out DIR: the 837Ps the pipeline would send for a charge file. Like
 * shared/services/submit.ts: only claims that pass the scrub, one interchange per payer (at most
 * MAX_CLAIMS_PER_INTERCHANGE claims each), a claim the writer cannot write set aside with a finding.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { Claim } from '../../shared/claims/model';
import { MAX_CLAIMS_PER_INTERCHANGE, UNWRITABLE_RULE } from '../../shared/services/submit';
import { type Envelope837P, write837P, X12Error } from '../../shared/x12';
import { EXIT_FINDINGS, EXIT_OK, type Io, UsageError, wholeNumber } from '../io';
import { scrubContext, scrubOptions } from './check';
import { checkChargeFile } from './offline';

export const BUILD_USAGE = `usage: claimflow build-837p FILE.csv --out DIR [--json]
         [--sender-id ID] [--receiver-id ID] [--submitter-name NAME] [--submitter-email EMAIL]
         [--receiver-name NAME] [--control-number N] [--usage T|P]
         [--today YYYY-MM-DD] [--timely-filing-days N] [--ncci TABLE.json] [--progress]
  Writes one 837P interchange per payer (DIR/<payer>-<control number>.x12) for the claims that pass
  the scrub. Control numbers count up from --control-number (default 1). Exit 1 when any claim was
  held back.`;

const X12_ID = /^[A-Za-z0-9]{2,15}$/;

export async function build837p(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      out: { type: 'string' },
      json: { type: 'boolean' },
      'sender-id': { type: 'string', default: 'CLAIMFLOW' },
      'receiver-id': { type: 'string', default: 'CLEARINGHOUSE' },
      'submitter-name': { type: 'string', default: 'CLAIMFLOW' },
      'submitter-email': { type: 'string', default: 'billing@example.com' },
      'receiver-name': { type: 'string', default: 'CLEARINGHOUSE' },
      'control-number': { type: 'string' },
      usage: { type: 'string', default: 'T' },
      ...scrubOptions,
    },
  });
  if (positionals.length !== 1) throw new UsageError(`build-837p takes one charge file\n${BUILD_USAGE}`);
  if (!values.out) throw new UsageError(`build-837p needs --out DIR\n${BUILD_USAGE}`);
  for (const flag of ['sender-id', 'receiver-id'] as const) {
    if (!X12_ID.test(values[flag])) throw new UsageError(`--${flag} must be 2 to 15 letters or digits`);
  }
  if (values.usage !== 'T' && values.usage !== 'P')
    throw new UsageError('--usage must be T (test) or P (production)');
  const first = wholeNumber(values['control-number'], '--control-number', 1, 999_999_999) ?? 1;

  const r = await checkChargeFile(
    positionals[0] as string,
    {
      ...scrubContext(values),
      ...(values.ncci ? { ncciTable: values.ncci } : {}),
      ...(values.progress ? { progress: true } : {}),
    },
    io,
  );
  const createdAt = new Date().toISOString();
  let next = first;
  const envelope = (n: number): Envelope837P => ({
    senderId: values['sender-id'],
    receiverId: values['receiver-id'],
    interchangeControlNumber: n,
    groupControlNumber: n,
    transactionSetControlNumber: n,
    usage: values.usage as 'T' | 'P',
    createdAt,
    submitter: {
      name: values['submitter-name'],
      id: values['sender-id'],
      contactName: 'BILLING',
      contactEmail: values['submitter-email'],
    },
    receiver: { name: values['receiver-name'], id: values['receiver-id'] },
  });
  const writeError = (claims: Claim[]): X12Error | undefined => {
    try {
      write837P({ claims, envelope: envelope(1) });
      return undefined;
    } catch (err) {
      if (err instanceof X12Error) return err;
      throw err;
    }
  };

  const byPayer = new Map<string, Claim[]>();
  for (const c of r.claims) {
    if (!c.goesOut) continue;
    const list = byPayer.get(c.claim.payer.payerId) ?? [];
    list.push(c.claim);
    byPayer.set(c.claim.payer.payerId, list);
  }
  const unwritable: { claimId: string; message: string }[] = [];
  const written: { file: string; payerId: string; interchangeControlNumber: string; claims: number }[] = [];
  mkdirSync(values.out, { recursive: true });
  for (const [payerId, group] of [...byPayer.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) {
    let ok = group;
    if (writeError(group)) {
      ok = [];
      for (const claim of group) {
        const err = writeError([claim]);
        if (!err) ok.push(claim);
        else if (err.message.includes(`claim ${claim.claimId}:`))
          unwritable.push({ claimId: claim.claimId, message: err.message });
        // Not the claim's fault: an envelope flag the writer refuses.
        else throw new UsageError(`cannot write the 837P: ${err.message}`);
      }
    }
    for (let i = 0; i < ok.length; i += MAX_CLAIMS_PER_INTERCHANGE) {
      const out = write837P({
        claims: ok.slice(i, i + MAX_CLAIMS_PER_INTERCHANGE),
        envelope: envelope(next++),
      });
      const file = path.join(
        values.out,
        `${payerId.replace(/[^A-Za-z0-9_-]/g, '_')}-${out.interchangeControlNumber}.x12`,
      );
      writeFileSync(file, out.x12);
      written.push({
        file,
        payerId,
        interchangeControlNumber: out.interchangeControlNumber,
        claims: out.claimIds.length,
      });
    }
  }
  const held = r.claims.filter((c) => !c.goesOut).length + unwritable.length;
  const failed = r.rejected !== undefined || held > 0 || r.rowErrors > 0;
  if (values.json) {
    io.out(
      JSON.stringify(
        {
          file: r.file,
          ...(r.rejected ? { rejected: r.rejected } : {}),
          interchanges: written,
          claimsWritten: written.reduce((s, w) => s + w.claims, 0),
          claimsHeld: held,
          rowsRefused: r.rowErrors,
          unwritable: unwritable.map((u) => ({ ...u, rule: UNWRITABLE_RULE })),
        },
        null,
        2,
      ),
    );
  } else {
    if (r.rejected) io.out(`${r.file}: file refused (${r.rejected.code}): ${r.rejected.reason}`);
    for (const w of written)
      io.out(`wrote ${w.file}: payer ${w.payerId}, ISA13 ${w.interchangeControlNumber}, ${w.claims} claims`);
    for (const u of unwritable) io.out(`claim ${u.claimId}  ${UNWRITABLE_RULE}  ${u.message}`);
    io.out(
      `${written.length} interchanges, ${written.reduce((s, w) => s + w.claims, 0)} claims written; ${held} claims held back (run claimflow check for the findings); ${r.rowErrors} rows refused at intake`,
    );
  }
  return failed ? EXIT_FINDINGS : EXIT_OK;
}
