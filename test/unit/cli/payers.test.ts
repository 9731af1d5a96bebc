/**
 * claimflow payers ... run as a child process against the local DynamoDB emulator (dynalite + shim),
 * found through AWS_ENDPOINT_URL_DYNAMODB as on a developer's machine.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTable, type LocalDynamo, startDynamo } from '../../../local/emulators/dynamo';
import { tableDefinition } from '../../../shared/store/table';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const TSX = path.join(ROOT, 'node_modules/.bin/tsx');
const SEED = path.join(ROOT, 'events/payers.json');
const TABLE = 'payers-cli';
const dir = mkdtempSync(path.join(tmpdir(), 'claimflow-payers-'));

let dynamo: LocalDynamo;

beforeAll(async () => {
  dynamo = await startDynamo();
  const client = new DynamoDBClient({
    endpoint: dynamo.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  await createTable(client, tableDefinition, TABLE);
  client.destroy();
});

afterAll(async () => {
  await dynamo.stop();
  rmSync(dir, { recursive: true, force: true });
});

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function claimflow(args: string[], env: Record<string, string | undefined> = {}): Promise<Run> {
  const childEnv: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_EC2_METADATA_DISABLED: 'true',
    TABLE_NAME: TABLE,
  };
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined) delete childEnv[k];
    else childEnv[k] = v;
  }
  return new Promise((resolve) => {
    execFile(
      TSX,
      ['cli/claimflow.ts', 'payers', ...args],
      { cwd: ROOT, env: childEnv },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

const file = (name: string, content: unknown): string => {
  const p = path.join(dir, name);
  writeFileSync(p, typeof content === 'string' ? content : JSON.stringify(content));
  return p;
};

describe('claimflow payers', () => {
  it('seeds the registry from the demo file, once, and lists it (text and --json)', async () => {
    const seeded = await claimflow(['seed', SEED]);
    expect(seeded.stderr).toBe('');
    expect(seeded.code).toBe(0);
    expect(seeded.stdout).toContain('seeded 5 payer(s)');
    const again = await claimflow(['seed', SEED]);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('seeded 0 payer(s); 5 already in payers-cli');

    const list = await claimflow(['list']);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/^SIMPAYER2 +SBR09 BL +timely filing +180 d/m);
    expect(list.stdout).toContain('5 payer(s) in payers-cli');
    const json = await claimflow(['list', '--json']);
    expect(json.code).toBe(0);
    const all = JSON.parse(json.stdout) as { payerId: string }[];
    expect(all.map((p) => p.payerId)).toEqual([
      'SIMHMO',
      'SIMMEDICAID',
      'SIMPAYER1',
      'SIMPAYER2',
      'SIMPAYER3',
    ]);
  });

  it('gets one payer, puts (creates and replaces) a record with defaults filled, and removes it', async () => {
    const get = await claimflow(['get', 'SIMMEDICAID', '--json']);
    expect(get.code).toBe(0);
    expect(JSON.parse(get.stdout)).toMatchObject({
      payerId: 'SIMMEDICAID',
      claimFilingIndicator: 'MC',
      timelyFilingDays: 90,
      priorAuthorizationCodes: ['97110'],
    });
    const text = await claimflow(['get', 'SIMPAYER2']);
    expect(text.stdout).toContain('claim filing (SBR09)  BL');
    expect(text.stdout).toContain('prior authorization   70551 72148');

    const put = await claimflow([
      'put',
      file('acme.json', { payerId: 'ACME-1', name: 'ACME HEALTH', claimFilingIndicator: 'HM' }),
    ]);
    expect(put.stderr).toBe('');
    expect(put.code).toBe(0);
    expect(put.stdout).toContain('stored payer ACME-1');
    expect(JSON.parse((await claimflow(['get', 'ACME-1', '--json'])).stdout)).toMatchObject({
      claimFilingIndicator: 'HM',
      timelyFilingDays: 365,
      appealDeadlineDays: 180,
    });
    await claimflow([
      'put',
      file('acme2.json', { payerId: 'ACME-1', name: 'ACME HEALTH', timelyFilingDays: 120 }),
    ]);
    expect(JSON.parse((await claimflow(['get', 'ACME-1', '--json'])).stdout)).toMatchObject({
      claimFilingIndicator: 'CI',
      timelyFilingDays: 120,
    });

    const removed = await claimflow(['remove', 'ACME-1']);
    expect(removed.code).toBe(0);
    expect(removed.stdout).toContain('removed payer ACME-1');
    const gone = await claimflow(['get', 'ACME-1']);
    expect(gone.code).toBe(1);
    expect(gone.stderr).toContain("no payer 'ACME-1' in payers-cli");
    const removeAgain = await claimflow(['remove', 'ACME-1']);
    expect(removeAgain.code).toBe(1);
    expect(removeAgain.stderr).toContain("no payer 'ACME-1'");
  });

  it('refuses a bad record naming the field and the rule, and stores nothing', async () => {
    const bad = await claimflow([
      'put',
      file('bad.json', { payerId: 'BAD1', name: 'BAD', claimFilingIndicator: 'XX', timelyFilingDays: 0 }),
    ]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('bad.json: ');
    expect(bad.stderr).toMatch(/claimFilingIndicator: /);
    expect(bad.stderr).toMatch(/timelyFilingDays: .*>=\s?1/);
    expect((await claimflow(['get', 'BAD1'])).code).toBe(1);

    const badSeed = await claimflow([
      'seed',
      file('bad-seed.json', {
        payers: [
          { payerId: 'OK1', name: 'OK' },
          { payerId: 'P2', name: 'P', priorAuthorizationCodes: ['ABC'] },
        ],
      }),
    ]);
    expect(badSeed.code).toBe(1);
    expect(badSeed.stderr).toContain(
      'payers[1] (P2): priorAuthorizationCodes.0: a CPT or HCPCS Level II code',
    );
    expect((await claimflow(['get', 'OK1'])).code).toBe(1);

    const notJson = await claimflow(['put', file('broken.json', '{ "payerId": ')]);
    expect(notJson.code).toBe(2);
    expect(notJson.stderr).toContain('broken.json: not valid JSON');
  });

  it('exits 2 on usage errors: no subcommand, missing argument, missing file, no table', async () => {
    expect((await claimflow([])).code).toBe(2);
    const unknown = await claimflow(['frob']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('usage: claimflow payers list');
    expect((await claimflow(['get'])).code).toBe(2);
    expect((await claimflow(['put', path.join(dir, 'missing.json')])).stderr).toContain('no such file');
    expect((await claimflow(['remove', 'X', '--json'])).code).toBe(2);
    const noTable = await claimflow(['list'], { TABLE_NAME: undefined });
    expect(noTable.code).toBe(2);
    expect(noTable.stderr).toContain('--table NAME');
    // --table wins over TABLE_NAME; a table that does not exist is a failure (exit 1), not a crash
    const missingTable = await claimflow(['list', '--table', 'no-such-table']);
    expect(missingTable.code).toBe(1);
    expect(missingTable.stderr).toContain('claimflow payers: failed:');
  });
});
