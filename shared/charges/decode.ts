/**
 * Bytes of a charge file -> text. UTF-8 unless the file declares Windows-1252 (S3 object Content-Type
 * `text/csv; charset=windows-1252`). Bytes that are not valid UTF-8 stop the file with the physical
 * line they are on: a guess would silently garble names and addresses.
 */

export type ChargeEncoding = 'utf-8' | 'windows-1252';

/** charset labels accepted for each encoding (lower case). */
const LABELS: Record<string, ChargeEncoding> = {
  'utf-8': 'utf-8',
  utf8: 'utf-8',
  'us-ascii': 'utf-8',
  ascii: 'utf-8',
  'windows-1252': 'windows-1252',
  cp1252: 'windows-1252',
  'x-cp1252': 'windows-1252',
  // WHATWG decodes these labels as Windows-1252 too (a superset of ISO-8859-1's printable characters).
  'iso-8859-1': 'windows-1252',
  latin1: 'windows-1252',
};

/**
 * The encoding a Content-Type declares: UTF-8 when no charset is given; an error naming the charset
 * when it is one we do not read.
 */
export function encodingOf(
  contentType: string | undefined,
): { encoding: ChargeEncoding } | { error: string } {
  const match = /;\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(contentType ?? '');
  if (!match?.[1]) return { encoding: 'utf-8' };
  const label = match[1].toLowerCase();
  const encoding = LABELS[label];
  if (!encoding)
    return {
      error: `the file declares charset ${label.slice(0, 40)}; only utf-8 and windows-1252 are read`,
    };
  return { encoding };
}

/** Bytes that are not UTF-8; `line` is the physical line (1-based) of the first bad byte. */
export class InvalidEncodingError extends Error {
  override readonly name = 'InvalidEncodingError';
  constructor(
    readonly line: number,
    readonly byteOffset: number,
  ) {
    super(
      `not valid UTF-8 at line ${line} (byte ${byteOffset}): save the file as UTF-8, or upload it with Content-Type "text/csv; charset=windows-1252"`,
    );
  }
}

/** Streaming UTF-8 validator that knows the line and offset of every byte it has seen. */
class Utf8Validator {
  private need = 0;
  private lo = 0x80;
  private hi = 0xbf;
  private line = 1;
  private offset = 0;
  private leadLine = 1;
  private leadOffset = 0;

  push(bytes: Uint8Array): void {
    for (const b of bytes) {
      if (this.need > 0) {
        if (b < this.lo || b > this.hi) throw new InvalidEncodingError(this.leadLine, this.leadOffset);
        this.lo = 0x80;
        this.hi = 0xbf;
        this.need--;
      } else if (b >= 0x80) {
        this.leadLine = this.line;
        this.leadOffset = this.offset;
        if (b >= 0xc2 && b <= 0xdf) this.need = 1;
        else if (b >= 0xe0 && b <= 0xef) {
          this.need = 2;
          if (b === 0xe0) this.lo = 0xa0; // overlong
          if (b === 0xed) this.hi = 0x9f; // UTF-16 surrogates
        } else if (b >= 0xf0 && b <= 0xf4) {
          this.need = 3;
          if (b === 0xf0) this.lo = 0x90; // overlong
          if (b === 0xf4) this.hi = 0x8f; // beyond U+10FFFF
        } else throw new InvalidEncodingError(this.line, this.offset);
      }
      if (b === 0x0a) this.line++;
      this.offset++;
    }
  }

  end(): void {
    if (this.need > 0) throw new InvalidEncodingError(this.leadLine, this.leadOffset);
  }
}

/** Decodes a stream of bytes (or text, passed through) to text chunks; throws InvalidEncodingError. */
export async function* decodeChunks(
  input: AsyncIterable<string | Uint8Array>,
  encoding: ChargeEncoding = 'utf-8',
): AsyncIterable<string> {
  const decoder = new TextDecoder(encoding);
  const validator = encoding === 'utf-8' ? new Utf8Validator() : undefined;
  let sawBytes = false;
  for await (const chunk of input) {
    if (typeof chunk === 'string') {
      yield chunk;
      continue;
    }
    sawBytes = true;
    validator?.push(chunk);
    const text = decoder.decode(chunk, { stream: true });
    if (text) yield text;
  }
  if (sawBytes) {
    validator?.end();
    const rest = decoder.decode();
    if (rest) yield rest;
  }
}
