/**
 * The webhook decision, pure: decode, bound, authenticate, check the content, classify. The handler does
 * the I/O. Nothing is stored unless the request is authentic and is an X12 transaction we accept.
 *
 * What a caller can learn is deliberately limited: the size limit is checked before anything that depends
 * on the clearinghouse name, and an unknown name, a source address outside the clearinghouse's allow-list,
 * a missing, stale or wrong signature all get the same 401 `unauthorized` after the same work (an unknown
 * name is checked against a random key). The reason is returned for the operator's logs only.
 */
import { createHash, randomBytes } from 'node:crypto';
import { detectTransaction } from '../x12';
import type { AllowList } from './allowlist';
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, verifySignature } from './signature';

export type InboundKind = '835' | '999' | '277';

export interface WebhookRequest {
  clearinghouse: string;
  headers: Record<string, string | undefined>; // lower-cased names
  /** The body as API Gateway delivers it: text, or base64 when `isBase64Encoded`. */
  body: string | undefined;
  isBase64Encoded: boolean;
  /** requestContext.http.sourceIp (the address API Gateway saw, not a header). */
  sourceIp: string | undefined;
}

export interface WebhookLimits {
  nowSeconds: number;
  toleranceSeconds: number;
  maxBodyBytes: number;
}

export type RefusalReason =
  | 'bad-encoding'
  | 'too-large'
  | 'unknown-clearinghouse'
  | 'source-not-allowed'
  | 'missing-headers'
  | 'bad-timestamp'
  | 'stale-timestamp'
  | 'bad-signature'
  | 'not-text'
  | 'not-x12'
  | 'unsupported-transaction';

export type WebhookDecision =
  | { accept: false; statusCode: 400 | 401 | 413; error: string; reason: RefusalReason }
  | {
      accept: true;
      statusCode: 202;
      kind: InboundKind;
      contentHash: string;
      objectKey: string;
      /** The decoded bytes, exactly what was signed: store these. */
      body: Uint8Array;
    };

const CLEARINGHOUSE = /^[a-z0-9][a-z0-9-]{0,62}$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const LONE_SURROGATE = /\p{Cs}/u;
const UNAUTHORIZED = 'unauthorized';
/** Key an unknown clearinghouse's request is checked against, so it costs the same as a known one. */
const DECOY_KEY = randomBytes(32).toString('hex');

/** Inbound files by kind first, so each consumer can be granted exactly its own prefix. */
export const INBOUND_PREFIX = 'inbound/';
export function inboundPrefix(kind: InboundKind): string {
  return `${INBOUND_PREFIX}${kind}/`;
}
export function inboundObjectKey(kind: InboundKind, clearinghouse: string, contentHash: string): string {
  return `${inboundPrefix(kind)}${clearinghouse}/${contentHash}.x12`;
}

/** The bytes of the body; undefined when a base64 body is not valid base64 or a text body not valid Unicode. */
export function decodeBody(body: string | undefined, isBase64Encoded: boolean): Uint8Array | undefined {
  if (body === undefined || body === '') return new Uint8Array(0);
  if (isBase64Encoded) return BASE64.test(body) ? Buffer.from(body, 'base64') : undefined;
  // A lone surrogate would silently become U+FFFD in UTF-8: refuse rather than alter.
  return LONE_SURROGATE.test(body) ? undefined : Buffer.from(body, 'utf8');
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Why the bytes are not text an X12 file can be, or undefined when they are. */
function textProblem(bytes: Uint8Array): string | undefined {
  if (bytes.byteLength === 0) return 'body is empty';
  const nul = bytes.indexOf(0);
  if (nul >= 0) return `body is binary (NUL byte at offset ${nul})`;
  try {
    utf8.decode(bytes);
  } catch {
    return 'body is not valid UTF-8 text';
  }
  return undefined;
}

const refuse = (
  statusCode: 400 | 401 | 413,
  error: string,
  reason: RefusalReason,
): WebhookDecision & { accept: false } => ({ accept: false, statusCode, error, reason });

export function decideWebhook(
  req: WebhookRequest,
  keys: Readonly<Record<string, string>>,
  limits: WebhookLimits,
  allowed: AllowList,
): WebhookDecision {
  // 1. Nothing here depends on the clearinghouse name.
  const body = decodeBody(req.body, req.isBase64Encoded);
  if (!body) return refuse(400, 'body is not validly encoded', 'bad-encoding');
  if (body.byteLength > limits.maxBodyBytes) {
    return refuse(413, `body exceeds ${limits.maxBodyBytes} bytes`, 'too-large');
  }

  // 2. Authentication: the same work and the same answer whichever check fails.
  const known = CLEARINGHOUSE.test(req.clearinghouse) && Object.hasOwn(keys, req.clearinghouse);
  const key = known ? keys[req.clearinghouse] : undefined;
  const check = verifySignature({
    key: typeof key === 'string' && key !== '' ? key : DECOY_KEY,
    body,
    signature: req.headers[SIGNATURE_HEADER],
    timestamp: req.headers[TIMESTAMP_HEADER],
    nowSeconds: limits.nowSeconds,
    toleranceSeconds: limits.toleranceSeconds,
  });
  const sourceAllowed = allowed.allows(req.clearinghouse, req.sourceIp);
  if (!known) return refuse(401, UNAUTHORIZED, 'unknown-clearinghouse');
  if (!sourceAllowed) return refuse(401, UNAUTHORIZED, 'source-not-allowed');
  if (!check.ok) return refuse(401, UNAUTHORIZED, check.reason);

  // 3. Content: text, then an X12 transaction set we accept.
  const problem = textProblem(body);
  if (problem) return refuse(400, problem, 'not-text');
  let kind: InboundKind;
  try {
    const head = Buffer.from(body.subarray(0, 4096)).toString('latin1');
    const id = detectTransaction(head).transactionSetId;
    if (id !== '835' && id !== '999' && id !== '277') {
      return refuse(400, `transaction set ${id} is not accepted here`, 'unsupported-transaction');
    }
    kind = id;
  } catch (err) {
    return refuse(400, `not an X12 interchange: ${(err as Error).message}`, 'not-x12');
  }
  const contentHash = createHash('sha256').update(body).digest('hex');
  return {
    accept: true,
    statusCode: 202,
    kind,
    contentHash,
    objectKey: inboundObjectKey(kind, req.clearinghouse, contentHash),
    body,
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
