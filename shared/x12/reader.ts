/** Drives a per-transaction-set handler over the tokenizer (shared by the 835/999/277CA readers). */
import { X12Error } from './errors';
import {
  el,
  mapSegments,
  type Segment,
  type TokenizeOptions,
  tokenizeSync,
  type X12Input,
} from './tokenizer';

/** Consumes the segments of one interchange stream; returns a finished item when it sees an SE. */
export type SegmentHandler<T> = (seg: Segment) => T | undefined;

/**
 * Items are handed out only after the envelope check of the trailer that closed them, so nothing
 * from a transaction set with a bad SE count or control number reaches the caller in strict mode.
 */
export function runReader<T>(
  input: X12Input,
  opts: TokenizeOptions,
  handler: SegmentHandler<T>,
): AsyncGenerator<T, void, undefined> {
  return mapSegments(input, opts, handler);
}

export function runReaderSync<T>(text: string, opts: TokenizeOptions, handler: SegmentHandler<T>): T[] {
  const items: T[] = [];
  for (const seg of tokenizeSync(text, opts)) {
    const item = handler(seg);
    if (item !== undefined) items.push(item);
  }
  return items;
}

/** Throws WRONG_TRANSACTION unless the ST names the expected transaction set. */
export function expectTransaction(seg: Segment, expected: string): void {
  const id = el(seg, 1);
  if (id !== expected) {
    throw new X12Error(
      'WRONG_TRANSACTION',
      `expected transaction set ${expected}, found ${id || '(empty)'}`,
      {
        segmentIndex: seg.index,
        segmentId: 'ST',
      },
    );
  }
}

export function unexpected(seg: Pick<Segment, 'id' | 'index'>, why: string): X12Error {
  return new X12Error('UNEXPECTED_SEGMENT', why, { segmentIndex: seg.index, segmentId: seg.id });
}
