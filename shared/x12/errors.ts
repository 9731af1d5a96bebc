/**
 * The one error type of the X12 code. Messages carry codes, segment ids, positions and control
 * numbers only: never element values that could be PHI (names, member ids, dates of birth).
 */
export type X12ErrorCode =
  | 'NO_ISA' // input does not start with an ISA interchange header
  | 'TRUNCATED_ISA' // input ends inside the ISA header
  | 'BAD_ISA' // ISA header present but malformed (delimiters, control number)
  | 'MISSING_IEA' // input ends before the interchange trailer
  | 'MISSING_GE' // GS group not closed
  | 'MISSING_SE' // ST transaction set not closed
  | 'UNEXPECTED_SEGMENT' // segment outside the place the envelope allows
  | 'CONTROL_NUMBER_MISMATCH' // ISA13/IEA02, GS06/GE02, ST02/SE02
  | 'SEGMENT_COUNT_MISMATCH' // SE01
  | 'TRANSACTION_COUNT_MISMATCH' // GE01
  | 'GROUP_COUNT_MISMATCH' // IEA01
  | 'WRONG_TRANSACTION' // e.g. an 837 handed to the 835 reader
  | 'INVALID_VALUE' // an element does not hold what the transaction requires
  | 'UNBALANCED' // 835 balancing rules violated
  | 'INVALID_INPUT'; // writer input that cannot be written as valid X12

export class X12Error extends Error {
  override readonly name = 'X12Error';
  readonly code: X12ErrorCode;
  /** 1-based position of the offending segment in the input (ISA = 1), when known. */
  readonly segmentIndex: number | undefined;
  readonly segmentId: string | undefined;
  readonly details: readonly string[];

  constructor(
    code: X12ErrorCode,
    message: string,
    where: { segmentIndex?: number; segmentId?: string; details?: readonly string[] } = {},
  ) {
    const at =
      where.segmentIndex !== undefined
        ? ` (segment ${where.segmentIndex}${where.segmentId ? ` ${where.segmentId}` : ''})`
        : '';
    super(`${code}: ${message}${at}`);
    this.code = code;
    this.segmentIndex = where.segmentIndex;
    this.segmentId = where.segmentId;
    this.details = where.details ?? [];
  }
}
