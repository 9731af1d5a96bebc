import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createTable, type LocalDynamo, startDynamo } from '../../../local/emulators/dynamo';
import type { Claim, ServiceLine } from '../../../shared/claims/model';
import { tableDefinition } from '../../../shared/store';

export interface Harness {
  dynamo: LocalDynamo;
  client: DynamoDBClient;
  doc: DynamoDBDocumentClient;
  tableName: string;
  stop(): Promise<void>;
}

export async function startHarness(
  tableName = 'claimflow-test',
  opts: Parameters<typeof startDynamo>[0] = {},
): Promise<Harness> {
  const dynamo = await startDynamo(opts);
  const client = new DynamoDBClient({
    endpoint: dynamo.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
  await createTable(client, tableDefinition, tableName);
  // Deliberately no removeUndefinedValues: the repositories must not depend on marshall options.
  const doc = DynamoDBDocumentClient.from(client);
  return {
    dynamo,
    client,
    doc,
    tableName,
    async stop() {
      client.destroy();
      await dynamo.stop();
    },
  };
}

/** Distinct procedure codes per line: two lines of one code on one date are a duplicate (CO-18). */
const CODES = ['99213', '36415', '93000', '85025', '80053'];

const line = (lineId: string, chargeCents: number, index = 0): ServiceLine => ({
  lineId,
  dateOfService: '2026-01-15',
  procedureCode: CODES[index % CODES.length] as string,
  modifiers: [],
  units: 1,
  chargeCents,
  diagnosisPointers: [1],
});

/** Obviously fake claim. */
export function makeClaim(claimId: string, practiceId = 'PRAC1', charges: number[] = [6000, 4000]): Claim {
  const lines = charges.map((c, i) => line(`L${i + 1}`, c, i));
  const address = { line1: '1 TEST STREET', city: 'TESTVILLE', state: 'NY', zip: '12345' };
  const patient = {
    lastName: 'TESTPATIENT',
    firstName: 'ALPHA',
    dob: '1980-02-03',
    gender: 'F' as const,
    address,
  };
  return {
    claimId,
    practiceId,
    encounterId: `ENC-${claimId}`,
    frequencyCode: '1',
    patient,
    relationship: '18',
    subscriber: { ...patient, memberId: 'TESTMEMBER1' },
    payer: { payerId: 'PAYER1', name: 'TEST PAYER' },
    billingProvider: {
      npi: '1234567893',
      name: 'TEST CLINIC',
      taxId: '123456789',
      address: { ...address, zip: '123451234' },
    },
    placeOfService: '11',
    diagnoses: ['E119'],
    lines,
    totalChargeCents: charges.reduce((a, b) => a + b, 0),
    sourceFile: `charges/${practiceId}/batch.csv`,
    receivedAt: '2026-01-20T00:00:00.000Z',
  };
}
