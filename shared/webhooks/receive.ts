/**
 * The webhook decision, pure: authenticate, bound, classify. The handler does the I/O.
 * Nothing is stored unless the request is authentic and is an X12 transaction we accept.
 */
import { createHash } from 'node:crypto';
import { detectTransaction } from '../x12';
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, verifySignature } from './signature';

export type InboundKind = '835' | '999' | '277';

export interface WebhookRequest {
  clearinghouse: string;
  headers: Record<string, string | undefined>; // lower-cased names
  body: Uint8Array;
}

export interface WebhookLimits {
  nowSeconds: number;
  toleranceSeconds: number;
  maxBodyBytes: number;
}

export type WebhookDecision =
  | { accept: false; statusCode: 400 | 401 | 413; error: string }
  | { accept: true; statusCode: 202; kind: InboundKind; contentHash: string; objectKey: string };

const CLEARINGHOUSE = /^[a-z0-9][a-z0-9-]{0,62}$/;

export function inboundObjectKey(clearinghouse: string, contentHash: string): string {
  return `inbound/${clearinghouse}/${contentHash}.x12`;
}

export function decideWebhook(
  req: WebhookRequest,
  keys: Readonly<Record<string, string>>,
  limits: WebhookLimits,
): WebhookDecision {
  // An unknown clearinghouse is indistinguishable from a bad signature to the caller.
  const key = CLEARINGHOUSE.test(req.clearinghouse) ? keys[req.clearinghouse] : undefined;
  if (!key) return { accept: false, statusCode: 401, error: 'unauthorized' };
  if (req.body.byteLength > limits.maxBodyBytes) {
    return { accept: false, statusCode: 413, error: `body exceeds ${limits.maxBodyBytes} bytes` };
  }
  const check = verifySignature({
    key,
    body: req.body,
    signature: req.headers[SIGNATURE_HEADER],
    timestamp: req.headers[TIMESTAMP_HEADER],
    nowSeconds: limits.nowSeconds,
    toleranceSeconds: limits.toleranceSeconds,
  });
  if (!check.ok) return { accept: false, statusCode: 401, error: 'unauthorized' };

  let kind: InboundKind;
  try {
    const head = Buffer.from(req.body.subarray(0, 4096)).toString('latin1');
    const id = detectTransaction(head).transactionSetId;
    if (id !== '835' && id !== '999' && id !== '277') {
      return { accept: false, statusCode: 400, error: `transaction set ${id} is not accepted here` };
    }
    kind = id;
  } catch (err) {
    return { accept: false, statusCode: 400, error: `not an X12 interchange: ${(err as Error).message}` };
  }
  const contentHash = createHash('sha256').update(req.body).digest('hex');
  return {
    accept: true,
    statusCode: 202,
    kind,
    contentHash,
    objectKey: inboundObjectKey(req.clearinghouse, contentHash),
  };
}

/** The queue message for an inbound file (remit queue for 835, ack queue for 999/277CA). */
export interface InboundMessage {
  bucket: string;
  key: string;
  contentHash: string;
  clearinghouse: string;
  kind: InboundKind;
  receivedAt: string;
}
