/**
 * scrub-claim reads the deployer's reference data (NCCI table, CPT list) from the charges bucket: its
 * environment names the bucket and the two keys, and its role may read exactly those keys (list only
 * those keys, decrypt with the data key), nothing else in the bucket.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { REFERENCE_KEYS } from '../../functions/scrub-claim/env';
import {
  actionsOfRole,
  byMetadata,
  type CfnTemplate,
  type Resource,
  roleOfFunction,
  synthApp,
} from './template';

let app: CfnTemplate;
let scrub: Resource;

beforeAll(() => {
  const s = synthApp();
  app = s.appJson;
  scrub = byMetadata(app, 'claimflow:function', 'scrub-claim')[1];
});

const text = (v: unknown) => JSON.stringify(v);

describe('scrub-claim reference data', () => {
  it('gets the charges bucket and the reference keys in its environment', () => {
    const vars =
      (scrub.Properties?.Environment as { Variables: Record<string, unknown> } | undefined)?.Variables ?? {};
    expect(vars.NCCI_TABLE_KEY).toBe('reference/ncci.json');
    expect(vars.CPT_LIST_KEY).toBe('reference/cpt.txt');
    expect(text(vars.REFERENCE_BUCKET)).toContain('claimflow-charges-');
    expect(scrub.Properties?.MemorySize).toBe(1024);
  });

  it('may read exactly the two reference objects and list only those keys', () => {
    const role = roleOfFunction(scrub);
    const actions = actionsOfRole(app, role);
    const s3 = actions.filter((a) => a.action.startsWith('s3:'));
    expect(s3.map((a) => a.action).sort()).toEqual(['s3:GetObject', 's3:ListBucket']);
    const get = s3.find((a) => a.action === 's3:GetObject');
    const resources = [get?.resource].flat();
    expect(resources).toHaveLength(2);
    expect(resources.map((r) => text(r).match(/"\/(reference\/[^"]+)"/)?.[1]).sort()).toEqual(
      [REFERENCE_KEYS.cpt, REFERENCE_KEYS.ncci].sort(),
    );
    expect(text(resources)).not.toContain('*');

    // the ListBucket statement carries the prefix condition
    const statements = Object.values(app.Resources)
      .filter((r) => r.Type === 'AWS::IAM::Policy')
      .filter((r) => text(r.Properties?.Roles).includes(role))
      .flatMap(
        (r) =>
          (r.Properties?.PolicyDocument as { Statement: Record<string, unknown>[] } | undefined)?.Statement ??
          [],
      );
    const list = statements.find((st) => text(st.Action) === '"s3:ListBucket"');
    expect(list?.Condition).toEqual({
      StringEquals: { 's3:prefix': [REFERENCE_KEYS.ncci, REFERENCE_KEYS.cpt] },
    });
    expect(text(list?.Resource)).not.toContain('*');
    expect(actions.some((a) => a.action === 'kms:Decrypt')).toBe(true);
  });
});
