import { rmSync } from 'node:fs';
import { Validations } from 'aws-cdk-lib';
import { AttributeType, BillingMode, Table } from 'aws-cdk-lib/aws-dynamodb';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks, HIPAASecurityChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { afterAll, describe, expect, it } from 'vitest';
import { createApp } from '../../infra/create-app';
import { tempOutdir } from './template';

const ACK_KEY = Validations.ACKNOWLEDGED_RULES_METADATA_KEY;

const outdirs: string[] = [];
const outdir = () => {
  const dir = tempOutdir();
  outdirs.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of outdirs) rmSync(dir, { recursive: true, force: true });
});

function acknowledgements(root: IConstruct): { path: string; id: string; reason: string }[] {
  const out: { path: string; id: string; reason: string }[] = [];
  for (const c of root.node.findAll()) {
    for (const m of c.node.metadata) {
      if (m.type !== ACK_KEY) continue;
      for (const [id, reason] of Object.entries(m.data as Record<string, string>))
        out.push({ path: c.node.path, id, reason });
    }
  }
  return out;
}

describe('cdk-nag (AwsSolutions + HIPAA)', () => {
  it('reports zero unacknowledged findings, errors or warnings, and synth passes validation', () => {
    const { app } = createApp({ skipBundling: true, outdir: outdir() });
    for (const pack of [new AwsSolutionsChecks(), new HIPAASecurityChecks()]) {
      const report = pack.validateScope(app);
      expect(
        report.violations.map((v) => `${v.ruleName} ${v.violatingResources.map((r) => r.constructPath)}`),
      ).toEqual([]);
      expect(report.success).toBe(true);
    }
    expect(() => app.synth()).not.toThrow();
  });

  it('gives every acknowledgement a specific reason', () => {
    const { app } = createApp({ skipBundling: true, outdir: outdir() });
    const acks = acknowledgements(app);
    expect(acks.length).toBeGreaterThan(10);
    for (const a of acks) {
      expect(a.reason.length, `${a.path} ${a.id}`).toBeGreaterThanOrEqual(40);
      expect(a.id, a.path).toMatch(/(AwsSolutions|HIPAA\.Security)-[A-Za-z0-9]+/);
    }
    // No blanket acknowledgement on a stack or the app: always on the construct that needs it.
    expect(acks.filter((a) => !a.path.includes('/'))).toEqual([]);
  });

  it('fails synth when a non-compliant resource is added', () => {
    const { app, appStack } = createApp({ skipBundling: true, outdir: outdir() });
    new Bucket(appStack, 'NonCompliantBucket'); // no SSL enforcement, no access logs, no CMK, no versioning
    const report = new AwsSolutionsChecks().validateScope(app);
    expect(report.violations.map((v) => v.ruleName)).toEqual(
      expect.arrayContaining(['AwsSolutions-S1', 'AwsSolutions-S10']),
    );
    expect(report.violations.flatMap((v) => v.violatingResources.map((r) => r.constructPath))).toEqual(
      expect.arrayContaining(['Claimflow/NonCompliantBucket/Resource']),
    );
    expect(() => app.synth()).toThrow(/AwsSolutions-S1\b/);
  });

  it('fails synth on an unacknowledged warning as well', () => {
    const { app, appStack } = createApp({ skipBundling: true, outdir: outdir() });
    const table = new Table(appStack, 'NoPitrTable', {
      partitionKey: { name: 'pk', type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
    });
    // Leave only the AwsSolutions-DDB3 (PITR) warning unacknowledged.
    for (const id of ['HIPAA.Security-DynamoDBInBackupPlan', 'HIPAA.Security-DynamoDBPITREnabled']) {
      Validations.of(table).acknowledge({ id, reason: 'test: isolate the AwsSolutions-DDB3 warning' });
    }
    const violations = [new AwsSolutionsChecks(), new HIPAASecurityChecks()].flatMap(
      (p) => p.validateScope(app).violations,
    );
    expect(violations.map((v) => [v.ruleName, v.severity])).toEqual([['AwsSolutions-DDB3', 'warning']]);
    expect(() => app.synth()).toThrow(/WARNING[\s\S]*AwsSolutions-DDB3/);
  });
});
