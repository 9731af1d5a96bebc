/**
 * claimflow payers list|get|put|remove|seed: manages the payer registry in the DynamoDB table through
 * shared/store PayerRepository (records validated with shared/payers). The table comes from --table
 * or TABLE_NAME; region and endpoint from --region / --endpoint or the standard AWS environment
 * (AWS_REGION, AWS_ENDPOINT_URL_DYNAMODB for a local emulator). Payer records carry no patient data.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { type Payer, PayerRegistryError, parsePayer, parsePayerSeed } from '../../shared/payers';
import { PayerRepository } from '../../shared/store/payers';
import { EXIT_FINDINGS, EXIT_OK, type Io, inputFile, UsageError } from '../io';

export const PAYERS_USAGE = `usage: claimflow payers list [--json]
       claimflow payers get PAYER_ID [--json]
       claimflow payers put PAYER.json
       claimflow payers remove PAYER_ID
       claimflow payers seed PAYERS.json
  options: [--table NAME] [--region R] [--endpoint URL]
  Manages the payer registry in the claimflow DynamoDB table (--table or TABLE_NAME; region and
  endpoint from the flags or AWS_REGION / AWS_ENDPOINT_URL_DYNAMODB). put stores one payer record
  (create or replace); seed adds the payers of { "payers": [...] } that are not there yet.`;

const SUBCOMMANDS = new Set(['list', 'get', 'put', 'remove', 'seed']);

/** Reads a JSON file; unreadable or not JSON is a usage error (exit 2). */
function readJson(file: string): unknown {
  inputFile(file, 'JSON file');
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new UsageError(`${file}: not valid JSON (${(err as Error).message})`);
  }
}

const payerLine = (p: Payer): string =>
  [
    p.payerId.padEnd(14),
    `SBR09 ${p.claimFilingIndicator.padEnd(2)}`,
    `timely filing ${String(p.timelyFilingDays).padStart(4)} d`,
    `appeal ${String(p.appealDeadlineDays).padStart(4)} d`,
    `prior auth ${String(p.priorAuthorizationCodes.length).padStart(3)} code(s)`,
    p.name,
  ].join('  ');

function payerDetail(p: Payer): string {
  return [
    `payer id              ${p.payerId}`,
    `name                  ${p.name}`,
    `claim filing (SBR09)  ${p.claimFilingIndicator}`,
    `timely filing         ${p.timelyFilingDays} days`,
    `appeal deadline       ${p.appealDeadlineDays} days`,
    `replacement claims    ${p.correctedClaims.replacementAccepted ? 'accepted' : 'not accepted'}`,
    `original claim number ${p.correctedClaims.originalClaimNumberRequired ? 'required (REF*F8)' : 'not required'}`,
    `prior authorization   ${p.priorAuthorizationCodes.length ? p.priorAuthorizationCodes.join(' ') : '(none)'}`,
  ].join('\n');
}

export async function payers(args: string[], io: Io): Promise<number> {
  const [sub, ...rest] = args;
  if (!sub || !SUBCOMMANDS.has(sub))
    throw new UsageError(`unknown payers command '${sub ?? ''}'\n${PAYERS_USAGE}`);
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: {
      json: { type: 'boolean' },
      table: { type: 'string' },
      region: { type: 'string' },
      endpoint: { type: 'string' },
    },
  });
  const wanted = sub === 'list' ? 0 : 1;
  if (positionals.length !== wanted) {
    const what = sub === 'put' || sub === 'seed' ? 'a JSON file' : sub === 'list' ? 'nothing' : 'a payer id';
    throw new UsageError(`payers ${sub} takes ${what}\n${PAYERS_USAGE}`);
  }
  if (values.json && sub !== 'list' && sub !== 'get')
    throw new UsageError(`--json is for payers list and payers get\n${PAYERS_USAGE}`);
  const table = values.table ?? process.env.TABLE_NAME;
  if (!table) throw new UsageError(`payers needs --table NAME (or TABLE_NAME)\n${PAYERS_USAGE}`);
  const arg = positionals[0] as string;

  // Validate files before any AWS call: a bad record is refused without touching the table.
  let record: Payer | undefined;
  let seed: Payer[] | undefined;
  try {
    if (sub === 'put') record = parsePayer(readJson(arg), path.basename(arg));
    if (sub === 'seed') seed = parsePayerSeed(readJson(arg));
  } catch (err) {
    if (err instanceof PayerRegistryError) {
      io.err(`claimflow payers ${sub}: ${sub === 'seed' ? `${path.basename(arg)}: ` : ''}${err.message}`);
      return EXIT_FINDINGS;
    }
    throw err;
  }

  const client = new DynamoDBClient({
    ...(values.region ? { region: values.region } : {}),
    ...(values.endpoint ? { endpoint: values.endpoint } : {}),
  });
  const repo = new PayerRepository(
    DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } }),
    table,
  );
  try {
    switch (sub) {
      case 'list': {
        const all = await repo.list();
        if (values.json) io.out(JSON.stringify(all, null, 2));
        else {
          for (const p of all) io.out(payerLine(p));
          io.out(`${all.length} payer(s) in ${table}`);
        }
        return EXIT_OK;
      }
      case 'get': {
        const p = await repo.get(arg);
        if (!p) {
          io.err(`claimflow payers get: no payer '${arg}' in ${table}`);
          return EXIT_FINDINGS;
        }
        io.out(values.json ? JSON.stringify(p, null, 2) : payerDetail(p));
        return EXIT_OK;
      }
      case 'put': {
        const stored = await repo.put(record as Payer);
        io.out(`stored payer ${stored.payerId} in ${table}`);
        return EXIT_OK;
      }
      case 'remove': {
        if (!(await repo.remove(arg))) {
          io.err(`claimflow payers remove: no payer '${arg}' in ${table}`);
          return EXIT_FINDINGS;
        }
        io.out(`removed payer ${arg} from ${table}`);
        return EXIT_OK;
      }
      default: {
        const payersToSeed = seed as Payer[];
        const added = await repo.seed(payersToSeed);
        const kept = payersToSeed.length - added.length;
        io.out(
          `seeded ${added.length} payer(s)${added.length ? ` (${added.join(', ')})` : ''}; ${kept} already in ${table} (kept as they are)`,
        );
        return EXIT_OK;
      }
    }
  } finally {
    client.destroy();
  }
}
