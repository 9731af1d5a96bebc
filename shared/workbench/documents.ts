/**
 * The X12 documents that concern one claim: the 837P interchanges it was sent in, the 999 / 277CA
 * acknowledgments and the 835 remittances received for it. Pure: which documents a claim has comes
 * from its event log (a SUBMITTED event names the interchange; acknowledgment and remittance events
 * name the inbound file), and a document is shown as an excerpt: the envelope and the segments of
 * this claim only. An 837P, 277CA or 835 file holds other patients' claims too; those segments are
 * never returned (a person allowed to read this claim is not allowed to read theirs).
 */
import type { ClaimEvent } from '../claims/model';
import { el, type Segment, tokenizeSync } from '../x12';
import { read277CASync } from '../x12/read277ca';
import { type BalanceIssue, checkBalance, read835Sync } from '../x12/read835';
import { read999Sync } from '../x12/read999';
import type { Ack277, Ack999, ClaimAck, Remittance } from '../x12/types';
import { type Caller, canSee } from './access';
import { type AccessAuditEntry, auditEntry } from './audit';
import type { RequestInfo } from './queries';

export type DocumentKind = '837P' | '999' | '277CA' | '835';

export interface DocumentRef {
  /** Opaque and PHI-free: `837P-<interchange control number>` or `<kind>-<content hash>`. */
  documentId: string;
  kind: DocumentKind;
  direction: 'sent' | 'received';
  /** When the claim's log first names the document. */
  at: string;
  /** Where it is: our interchange (837P) or the inbound object key. */
  source: { interchangeControlNumber: string } | { objectKey: string };
}

/** Inbound keys are `inbound/<835|999|277>/<clearinghouse>/<sha-256 hex>.x12` (shared/webhooks). */
const INBOUND_KEY = /^inbound\/(835|999|277)\/[a-z0-9][a-z0-9-]{0,62}\/([0-9a-f]{64})\.x12$/;
const INBOUND_KIND: Record<string, DocumentKind> = { '835': '835', '999': '999', '277': '277CA' };
export const DOCUMENT_ID = /^(?:837P-\d{1,9}|(?:999|277CA|835)-[0-9a-f]{64})$/;

/** The documents the claim's events name, oldest first, each once. */
export function claimDocuments(events: readonly ClaimEvent[]): DocumentRef[] {
  const found = new Map<string, DocumentRef>();
  const add = (ref: DocumentRef) => {
    const seen = found.get(ref.documentId);
    if (!seen || ref.at < seen.at) found.set(ref.documentId, ref);
  };
  for (const e of events) {
    const icn = e.detail?.interchangeControlNumber;
    if (e.type === 'SUBMITTED' && (typeof icn === 'string' || typeof icn === 'number')) {
      const n = String(Number(icn));
      if (/^\d{1,9}$/.test(n))
        add({
          documentId: `837P-${n}`,
          kind: '837P',
          direction: 'sent',
          at: e.at,
          source: { interchangeControlNumber: n },
        });
    }
    const key = e.detail?.fileKey;
    const m = typeof key === 'string' ? INBOUND_KEY.exec(key) : null;
    if (m?.[1] && m[2]) {
      const kind = INBOUND_KIND[m[1]] as DocumentKind;
      add({
        documentId: `${kind}-${m[2]}`,
        kind,
        direction: 'received',
        at: e.at,
        source: { objectKey: key as string },
      });
    }
  }
  return [...found.values()].sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
}

export interface ExcerptSegment {
  /** 1-based position in the whole file (gaps are other claims' segments). */
  index: number;
  id: string;
  elements: string[];
  text: string;
}

export interface DocumentView {
  documentId: string;
  kind: DocumentKind;
  direction: 'sent' | 'received';
  at: string;
  /** The excerpt as X12 text, one segment a line (trailer counts are the whole file's). */
  raw: string;
  segments: ExcerptSegment[];
  /** The readers' view of this claim in the document (undefined for an 837P: the claim detail has it). */
  parsed?:
    | { kind: '999'; acknowledgments: Ack999[] }
    | { kind: '277CA'; statuses: ClaimAck[] }
    | {
        kind: '835';
        remittances: (Remittance & { balanceIssues: BalanceIssue[] })[];
      };
  /** The reader refused the file (the excerpt is still shown): the error's code, no PHI. */
  parseError?: string;
}

const ENVELOPE = new Set(['ISA', 'GS', 'GE', 'IEA']);

const excerpt = (seg: Segment): ExcerptSegment => ({
  index: seg.index,
  id: seg.id,
  elements: seg.elements.slice(1),
  text: seg.elements.join(seg.delimiters.element) + seg.delimiters.segment,
});

/**
 * The segments of `text` that concern the claim: the envelopes, and per transaction its header, the
 * hierarchy levels above the claim (their own segments, up to their first claim) and the claim's
 * own loop. Transactions that do not mention the claim are left out but for their envelope.
 */
export function claimExcerpt(text: string, kind: DocumentKind, claimId: string): Segment[] {
  const segments = [...tokenizeSync(text, { envelope: 'lenient' })];
  if (kind === '999') return segments;
  const out: Segment[] = [];
  let tx: Segment[] = [];
  for (const seg of segments) {
    if (ENVELOPE.has(seg.id)) {
      out.push(seg);
      continue;
    }
    tx.push(seg);
    if (seg.id === 'SE') {
      out.push(...transactionExcerpt(tx, kind, claimId));
      tx = [];
    }
  }
  if (tx.length > 0) out.push(...transactionExcerpt(tx, kind, claimId)); // a missing SE
  return out.sort((a, b) => a.index - b.index);
}

/** Segment starting a claim-level loop, and whether it is this claim's. */
function claimStart(seg: Segment, kind: DocumentKind): string | undefined {
  if (kind === '837P' && seg.id === 'CLM') return el(seg, 1);
  if (kind === '835' && seg.id === 'CLP') return el(seg, 1);
  if (kind === '277CA' && seg.id === 'TRN' && el(seg, 1) === '2') return el(seg, 2);
  return undefined;
}

function transactionExcerpt(tx: Segment[], kind: DocumentKind, claimId: string): Segment[] {
  if (kind === '835') return remitExcerpt(tx, claimId);
  // 837P / 277CA: the hierarchy. Blocks start at HL; a block's segments before its first claim loop
  // are its own (provider, subscriber, patient); claim loops run to the next claim loop or HL.
  interface Block {
    id: string;
    parent: string;
    own: Segment[];
    claim: Segment[];
  }
  const header: Segment[] = [];
  const blocks = new Map<string, Block>();
  let block: Block | undefined;
  let inClaim: 'this' | 'other' | undefined;
  let trailer: Segment | undefined;
  for (const seg of tx) {
    if (seg.id === 'SE') {
      trailer = seg;
      continue;
    }
    if (seg.id === 'HL') {
      block = { id: el(seg, 1), parent: el(seg, 2), own: [seg], claim: [] };
      blocks.set(block.id, block);
      inClaim = undefined;
      continue;
    }
    if (!block) {
      header.push(seg);
      continue;
    }
    const starts = claimStart(seg, kind);
    if (starts !== undefined) inClaim = starts === claimId ? 'this' : 'other';
    if (inClaim === undefined) block.own.push(seg);
    else if (inClaim === 'this') block.claim.push(seg);
  }
  const keep: Segment[] = [];
  const included = new Set<string>();
  for (const b of blocks.values()) {
    if (b.claim.length === 0) continue;
    keep.push(...b.claim);
    for (let at: Block | undefined = b; at && !included.has(at.id); at = blocks.get(at.parent)) {
      included.add(at.id);
      keep.push(...at.own);
    }
  }
  if (keep.length === 0) return [];
  return [...header, ...keep, ...(trailer ? [trailer] : [])];
}

function remitExcerpt(tx: Segment[], claimId: string): Segment[] {
  const keep: Segment[] = [];
  let inHeader = true;
  let inClaim: 'this' | 'other' | undefined;
  let mentions = false;
  for (const seg of tx) {
    if (seg.id === 'LX' || seg.id === 'CLP') inHeader = false;
    if (seg.id === 'CLP') {
      inClaim = el(seg, 1) === claimId ? 'this' : 'other';
      if (inClaim === 'this') mentions = true;
    } else if (seg.id === 'LX' || seg.id === 'PLB' || seg.id === 'SE') inClaim = undefined;
    // Header (payer, payee, payment), this claim's loop, and the payee-level PLB and SE.
    if (inHeader || inClaim === 'this' || seg.id === 'PLB' || seg.id === 'SE') keep.push(seg);
  }
  return mentions ? keep : [];
}

/** The document as a person sees it: this claim's excerpt, raw and parsed. */
export function documentView(ref: DocumentRef, text: string, claimId: string): DocumentView {
  let segments: ExcerptSegment[] = [];
  let parseError: string | undefined;
  try {
    segments = claimExcerpt(text, ref.kind, claimId).map(excerpt);
  } catch (err) {
    parseError = errorCode(err);
  }
  const view: DocumentView = {
    documentId: ref.documentId,
    kind: ref.kind,
    direction: ref.direction,
    at: ref.at,
    raw: segments.map((s) => s.text).join('\n'),
    segments,
  };
  if (parseError) return { ...view, parseError };
  try {
    if (ref.kind === '999') view.parsed = { kind: '999', acknowledgments: read999Sync(text) };
    else if (ref.kind === '277CA')
      view.parsed = {
        kind: '277CA',
        statuses: read277CASync(text).flatMap((a: Ack277) =>
          a.claims.filter((c) => c.patientControlNumber === claimId),
        ),
      };
    else if (ref.kind === '835')
      view.parsed = {
        kind: '835',
        remittances: read835Sync(text)
          .map((r) => ({
            ...r,
            claims: r.claims.filter((c) => c.patientControlNumber === claimId),
            // Why a held file was held: this claim's and the transaction's balancing issues.
            balanceIssues: checkBalance(r).filter((i) => i.claimId === undefined || i.claimId === claimId),
          }))
          .filter((r) => r.claims.length > 0),
      };
  } catch (err) {
    view.parseError = errorCode(err);
  }
  return view;
}

/** An X12Error's code (NO_ISA, BAD_SE_COUNT, ...): never its message, which may quote the file. */
const errorCode = (err: unknown): string => {
  const e = err as { code?: unknown; name?: unknown };
  return typeof e.code === 'string' ? e.code : typeof e.name === 'string' ? e.name : 'ERROR';
};

/** The document list as the claim detail shows it (where it is stored stays server-side). */
export type DocumentSummary = Omit<DocumentRef, 'source'>;
export const documentSummaries = (events: readonly ClaimEvent[]): DocumentSummary[] =>
  claimDocuments(events).map(({ source: _s, ...ref }) => ref);

export interface DocumentPorts {
  getClaim(claimId: string): Promise<{ practiceId: string } | undefined>;
  events(claimId: string): Promise<ClaimEvent[]>;
  /** The S3 key of our stored 837P interchange. */
  interchangeKey(interchangeControlNumber: string): Promise<string | undefined>;
  /** The stored file as text; undefined when it is gone. */
  readObject(key: string): Promise<string | undefined>;
  audit(entry: AccessAuditEntry): Promise<void>;
  now(): Date;
}

/**
 * One of the claim's documents (an excerpt: this claim's segments only), or undefined when the claim
 * is not the caller's, or the claim names no such document, or the stored file is gone. Audited.
 */
export async function readClaimDocument(
  ports: DocumentPorts,
  caller: Caller,
  claimId: string,
  documentId: string,
  request: RequestInfo,
): Promise<DocumentView | undefined> {
  const record = await ports.getClaim(claimId);
  let view: DocumentView | undefined;
  if (record && canSee(caller, record.practiceId)) {
    const ref = claimDocuments(await ports.events(claimId)).find((d) => d.documentId === documentId);
    const key = !ref
      ? undefined
      : 'objectKey' in ref.source
        ? ref.source.objectKey
        : await ports.interchangeKey(ref.source.interchangeControlNumber);
    const text = key ? await ports.readObject(key) : undefined;
    if (ref && text !== undefined) view = documentView(ref, text, claimId);
  }
  await ports.audit(
    auditEntry(
      caller,
      {
        action: 'READ_DOCUMENT',
        route: request.route,
        outcome: view ? 'OK' : 'NOT_FOUND',
        claimIds: [claimId],
        practiceIds: view && record ? [record.practiceId] : caller.practiceIds,
        ...(request.requestId ? { requestId: request.requestId } : {}),
      },
      ports.now(),
    ),
  );
  return view;
}
