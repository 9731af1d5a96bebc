/**
 * Deployment settings from CDK context (`-c key=value` or cdk.json "context"), with defaults that synth
 * offline. Values that end up in a function's environment are validated against that function's zod
 * schema here, so a bad value fails `cdk synth`, not the first cold start.
 */
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Node } from 'constructs';
import { z } from 'zod';
import { envSchema as submitEnvSchema } from '../functions/submit-batch/env';
import { type AllowListConfig, parseAllowList } from '../shared/webhooks/allowlist';

export interface ClaimflowConfig {
  /** Prefix of physical names (buckets are `<prefix>-<purpose>-<account>-<region>`). */
  namePrefix: string;
  /** Path segment of the webhook route and key of the HMAC secret's JSON object. */
  clearinghouseName: string;
  clearinghouseUrl: string;
  submitterId: string;
  submitterName: string;
  submitterContactEmail: string;
  receiverId: string;
  receiverName: string;
  x12Usage: 'T' | 'P';
  timelyFilingDays: number;
  logRetentionDays: number;
  /** Optional e-mail subscribed to the alarm topic. */
  alarmEmail?: string;
  webhookRateLimit: number;
  webhookBurstLimit: number;
  /**
   * Optional source-IP allow-list of the webhook per clearinghouse, `{"<clearinghouse>": ["<cidr>", ...]}`
   * (IPv4 / IPv6); a clearinghouse without an entry may call from anywhere (its signature still applies).
   */
  webhookAllowedCidrs: AllowListConfig;
  /**
   * Prefix of the Cognito hosted sign-in domain `https://<prefix>.auth.<region>.amazoncognito.com`
   * (unique per region across all AWS accounts); default `<namePrefix>-<account id>`.
   */
  consoleAuthDomainPrefix?: string;
  /** Minutes without input after which the console signs the user out. */
  consoleIdleMinutes: number;
  /** Optional AWS WAF web ACL (scope CLOUDFRONT, us-east-1) ARN for the console distribution. */
  consoleWebAclArn?: string;
  /** Optional custom domain of the console; needs consoleCertificateArn (ACM, us-east-1). */
  consoleDomainName?: string;
  consoleCertificateArn?: string;
  /** Directory of the built console (`npm run build:web`); default web/dist. */
  consoleDist?: string;
}

export const DEFAULT_CONFIG: ClaimflowConfig = {
  namePrefix: 'claimflow',
  clearinghouseName: 'clearinghouse',
  clearinghouseUrl: 'https://clearinghouse.example.com/x12/837',
  submitterId: 'CLAIMFLOW',
  submitterName: 'CLAIMFLOW BILLING',
  submitterContactEmail: 'billing@example.com',
  receiverId: 'CLEARINGHOUSE',
  receiverName: 'CLEARINGHOUSE',
  x12Usage: 'T',
  timelyFilingDays: 365,
  logRetentionDays: RetentionDays.SIX_YEARS,
  webhookRateLimit: 50,
  webhookBurstLimit: 100,
  webhookAllowedCidrs: {},
  consoleIdleMinutes: 15,
};

const RETENTION_VALUES = new Set<number>(
  Object.values(RetentionDays).filter((v): v is number => typeof v === 'number'),
);

const contextSchema = z.object({
  namePrefix: z
    .string()
    .regex(/^[a-z][a-z0-9-]{1,20}$/)
    .default(DEFAULT_CONFIG.namePrefix),
  clearinghouseName: z
    .string()
    .regex(/^[a-z0-9-]{1,40}$/)
    .default(DEFAULT_CONFIG.clearinghouseName),
  clearinghouseUrl: submitEnvSchema.shape.CLEARINGHOUSE_URL.default(DEFAULT_CONFIG.clearinghouseUrl),
  submitterId: submitEnvSchema.shape.SUBMITTER_ID.default(DEFAULT_CONFIG.submitterId),
  submitterName: submitEnvSchema.shape.SUBMITTER_NAME.default(DEFAULT_CONFIG.submitterName),
  submitterContactEmail: submitEnvSchema.shape.SUBMITTER_CONTACT_EMAIL.default(
    DEFAULT_CONFIG.submitterContactEmail,
  ),
  receiverId: submitEnvSchema.shape.RECEIVER_ID.default(DEFAULT_CONFIG.receiverId),
  receiverName: submitEnvSchema.shape.RECEIVER_NAME.default(DEFAULT_CONFIG.receiverName),
  x12Usage: z.enum(['T', 'P']).default(DEFAULT_CONFIG.x12Usage),
  timelyFilingDays: z.coerce.number().int().positive().default(DEFAULT_CONFIG.timelyFilingDays),
  logRetentionDays: z.coerce
    .number()
    .int()
    .positive()
    .refine((d) => RETENTION_VALUES.has(d), {
      message: `not a CloudWatch Logs retention value (one of ${[...RETENTION_VALUES].sort((a, b) => a - b).join(', ')})`,
    })
    .default(DEFAULT_CONFIG.logRetentionDays),
  alarmEmail: z.email().optional(),
  webhookRateLimit: z.coerce.number().positive().default(DEFAULT_CONFIG.webhookRateLimit),
  webhookBurstLimit: z.coerce.number().int().positive().default(DEFAULT_CONFIG.webhookBurstLimit),
  // `-c webhookAllowedCidrs='{"ch":["203.0.113.0/24"]}'` gives a string, cdk.json "context" an object.
  webhookAllowedCidrs: z
    .unknown()
    .transform((value, ctx): AllowListConfig => {
      try {
        return parseAllowList(typeof value === 'string' ? value : JSON.stringify(value));
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: (err as Error).message });
        return z.NEVER;
      }
    })
    .default(DEFAULT_CONFIG.webhookAllowedCidrs),
  // Cognito: lowercase letters, digits and hyphens, no leading/trailing hyphen, not aws/amazon/cognito.
  consoleAuthDomainPrefix: z
    .string()
    .regex(/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/)
    .refine((p) => !/aws|amazon|cognito/.test(p), { message: 'must not contain aws, amazon or cognito' })
    .optional(),
  consoleIdleMinutes: z.coerce.number().int().min(1).max(720).default(DEFAULT_CONFIG.consoleIdleMinutes),
  consoleWebAclArn: z
    .string()
    .regex(/^arn:aws[a-z-]*:wafv2:us-east-1:\d{12}:global\/webacl\/.+$/, {
      message: 'a WAFv2 web ACL ARN of scope CLOUDFRONT (us-east-1, global/webacl/...)',
    })
    .optional(),
  consoleDomainName: z
    .string()
    .regex(/^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/)
    .optional(),
  consoleCertificateArn: z
    .string()
    .regex(/^arn:aws[a-z-]*:acm:us-east-1:\d{12}:certificate\/.+$/, {
      message: 'an ACM certificate ARN in us-east-1 (CloudFront only uses certificates from there)',
    })
    .optional(),
  consoleDist: z.string().min(1).optional(),
});

export const CONTEXT_KEYS = Object.keys(contextSchema.shape) as (keyof ClaimflowConfig)[];

/** Reads and validates the context; throws with the offending keys on a bad value. */
export function loadConfig(node: Node): ClaimflowConfig {
  const raw: Record<string, unknown> = {};
  for (const key of CONTEXT_KEYS) {
    const value = node.tryGetContext(key);
    if (value !== undefined && value !== '') raw[key] = value;
  }
  const parsed = contextSchema
    .refine((c) => (c.consoleDomainName === undefined) === (c.consoleCertificateArn === undefined), {
      message: 'consoleDomainName and consoleCertificateArn go together',
      path: ['consoleDomainName'],
    })
    .safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`invalid claimflow context: ${issues}`);
  }
  return parsed.data;
}
