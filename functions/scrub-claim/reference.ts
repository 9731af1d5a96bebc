/**
 * The scrubber's deployer-supplied reference data, read from S3 once per container: the compiled NCCI
 * table (docs/ncci.md) and the licensed CPT list (docs/codesets.md). A missing object is not an
 * error: without the table no NCCI edits run, without the list CPT codes are only shape-checked (both
 * logged once, at info). An object that is there but malformed fails every scrub loudly until it is
 * fixed (the claim goes to human review; nothing is cached, so the next invocation tries again).
 */
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import type { CptList } from '../../shared/scrub/codesets/cpt';
import { parseCptList } from '../../shared/scrub/codesets/cpt';
import { loadNcciTable, type NcciTable } from '../../shared/scrub/ncci';

export interface ReferenceData {
  ncci?: NcciTable;
  cpt?: CptList;
}

export interface ReferenceLocation {
  bucket: string | undefined;
  ncciKey: string;
  cptKey: string;
}

export interface ReferenceLogger {
  info(message: string, extra?: Record<string, unknown>): void;
}

export class ReferenceDataError extends Error {
  override name = 'ReferenceDataError';
}

const MISSING = new Set(['NoSuchKey', 'NotFound']);

/**
 * The object's text, or undefined when there is no such object. Without s3:ListBucket S3 answers a
 * missing key with 403 AccessDenied instead of 404: then a listing of exactly that key (the function
 * may list only its reference keys) tells a missing object from a real denial.
 */
async function readObject(s3: S3Client, bucket: string, key: string): Promise<string | undefined> {
  try {
    const out = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    if (!out.Body) throw new ReferenceDataError(`s3://${bucket}/${key}: empty response body`);
    return await out.Body.transformToString('utf-8');
  } catch (err) {
    const name = (err as Error).name;
    if (MISSING.has(name)) return undefined;
    if (
      name === 'AccessDenied' ||
      (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 403
    ) {
      const listed = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: key, MaxKeys: 1 }));
      if (!(listed.Contents ?? []).some((o) => o.Key === key)) return undefined;
    }
    throw err;
  }
}

export async function loadReferenceData(
  s3: S3Client,
  where: ReferenceLocation,
  logger: ReferenceLogger,
): Promise<ReferenceData> {
  const { bucket, ncciKey, cptKey } = where;
  if (!bucket) {
    logger.info('reference data: no REFERENCE_BUCKET; no NCCI edits, CPT codes format-checked only');
    return {};
  }
  const [ncciText, cptText] = await Promise.all([
    readObject(s3, bucket, ncciKey),
    readObject(s3, bucket, cptKey),
  ]);
  const out: ReferenceData = {};
  if (ncciText === undefined) {
    logger.info('reference data: no NCCI table; NCCI PTP/MUE edits do not run', { bucket, key: ncciKey });
  } else {
    let json: unknown;
    try {
      json = JSON.parse(ncciText);
    } catch (err) {
      throw new ReferenceDataError(`s3://${bucket}/${ncciKey}: not JSON (${(err as Error).message})`);
    }
    try {
      out.ncci = loadNcciTable(json, { verify: true });
    } catch (err) {
      throw new ReferenceDataError(`s3://${bucket}/${ncciKey}: ${(err as Error).message}`);
    }
    logger.info('reference data: NCCI table loaded', {
      bucket,
      key: ncciKey,
      generatedAt: out.ncci.meta.generatedAt,
      ...out.ncci.meta.counts,
    });
  }
  if (cptText === undefined) {
    logger.info('reference data: no CPT list; CPT codes are format-checked only', { bucket, key: cptKey });
  } else {
    try {
      out.cpt = parseCptList(cptText, cptKey);
    } catch (err) {
      // CptListError messages start with the source (the key): "<key> line N: RULE: detail".
      const message = (err as Error).message;
      throw new ReferenceDataError(
        `s3://${bucket}/${message.startsWith(cptKey) ? message : `${cptKey}: ${message}`}`,
      );
    }
    logger.info('reference data: CPT list loaded', { bucket, key: cptKey, codes: out.cpt.size });
  }
  return out;
}

/** loadReferenceData once per container; a failed load is not kept (the next call tries again). */
export function referenceCache(load: () => Promise<ReferenceData>): () => Promise<ReferenceData> {
  let pending: Promise<ReferenceData> | undefined;
  return () => {
    if (!pending) {
      pending = load().catch((err: unknown) => {
        pending = undefined;
        throw err;
      });
    }
    return pending;
  };
}
