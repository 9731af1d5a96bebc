import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { X12Error } from '../../../shared/x12/errors';
import {
  components,
  detectTransaction,
  el,
  mapRawSegments,
  mapRawSegmentsSync,
  RawSegment,
  readDelimiters,
  type Segment,
  segmentCode,
  type TokenizeOptions,
  tokenize,
  tokenizeSync,
  type X12Input,
} from '../../../shared/x12/tokenizer';
import { centsAt } from '../../../shared/x12/values';
import { chunked, describeWithSamples, itWithSamples, readSample } from './fixtures';

async function collect(input: X12Input, opts?: TokenizeOptions): Promise<Segment[]> {
  const out: Segment[] = [];
  for await (const s of tokenize(input, opts)) out.push(s);
  return out;
}

async function failure(input: X12Input, opts?: TokenizeOptions): Promise<X12Error> {
  try {
    await collect(input, opts);
  } catch (e) {
    expect(e).toBeInstanceOf(X12Error);
    return e as X12Error;
  }
  throw new Error('expected an X12Error');
}

const MINI =
  'ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER       *260101*1200*^*00501*000000123*0*T*:~' +
  'GS*HC*SENDER*RECEIVER*20260101*1200*55*X*005010X222A1~' +
  'ST*837*0001*005010X222A1~BHT*0019*00*1*20260101*1200*CH~SE*3*0001~' +
  'GE*1*55~IEA*1*000000123~';

describe('delimiters', () => {
  itWithSamples('reads element, component, repetition and segment separators from the ISA', () => {
    expect(readDelimiters(readSample('835_edi835parser_united_healthcare_legacy_sample.txt'))).toEqual({
      element: '*',
      component: '>',
      repetition: '^',
      segment: '~',
    });
    expect(readDelimiters(readSample('999_imsweb_rejected.txt')).component).toBe('|');
  });

  it('handles unusual delimiters and no repetition separator before 00501', () => {
    const text = MINI.replaceAll('*', '|').replaceAll('~', '\n').replace('|^|00501|', '|U|00401|');
    const segs = tokenizeSync(text);
    const all = [...segs];
    expect(all.map((s) => s.id)).toEqual(['ISA', 'GS', 'ST', 'BHT', 'SE', 'GE', 'IEA']);
    expect(all[0]?.delimiters).toEqual({
      element: '|',
      component: ':',
      repetition: undefined,
      segment: '\n',
    });
  });

  itWithSamples('splits composites with the interchange component separator', async () => {
    const segs = await collect(readSample('835_edi835parser_united_healthcare_legacy_sample.txt'));
    const svc = segs.find((s) => s.id === 'SVC') as Segment;
    expect(components(svc, 1)).toEqual(['HC', 'B4152']);
    expect(el(svc, 2)).toBe('156.42');
    expect(el(svc, 99)).toBe('');
  });
});

describe('tokenize', () => {
  it('yields every segment with its 1-based index and elements[0] = id', async () => {
    const segs = await collect(MINI);
    expect(segs.map((s) => s.index)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(segs[3]?.elements).toEqual(['BHT', '0019', '00', '1', '20260101', '1200', 'CH']);
    expect(el(segs[0] as Segment, 13)).toBe('000000123');
  });

  itWithSamples(
    'gives the same segments for strings, text chunks and byte chunks split anywhere',
    async () => {
      const text = readSample('835_edi835parser_emedny_sample.txt');
      const whole = (await collect(text)).map((s) => s.elements);
      expect(whole.length).toBe(69);
      expect((await collect(chunked(text))).map((s) => s.elements)).toEqual(whole);
      expect((await collect(chunked(text, true))).map((s) => s.elements)).toEqual(whole);
      expect((await collect(new TextEncoder().encode(text))).map((s) => s.elements)).toEqual(whole);
    },
  );

  it('decodes multi-byte characters split across byte chunks', async () => {
    const text = MINI.replace('BHT*0019*00*1*', 'BHT*0019*00*ÉÈ€*');
    const segs = await collect(chunked(text, true));
    expect(el(segs[3] as Segment, 3)).toBe('ÉÈ€');
  });

  it('tolerates CR/LF after terminators and a BOM / whitespace before the ISA', async () => {
    const text = `\uFEFF \r\n${MINI.replaceAll('~', '~\r\n')}\r\n`;
    expect((await collect(text)).map((s) => s.id)).toEqual(['ISA', 'GS', 'ST', 'BHT', 'SE', 'GE', 'IEA']);
  });

  it('reads several interchanges in one input, each with its own delimiters', async () => {
    const second = MINI.replaceAll('*', '|')
      .replace('|000000123|', '|000000124|')
      .replace('IEA|1|000000123', 'IEA|1|000000124');
    const segs = await collect(`${MINI}\n${second}`);
    expect(segs.filter((s) => s.id === 'ISA').map((s) => s.delimiters.element)).toEqual(['*', '|']);
    expect(segs.length).toBe(14);
  });
});

describe('envelope errors', () => {
  itWithSamples('rejects input without an ISA header (835 without envelope)', async () => {
    const err = await failure(readSample('835_edi835parser_blue_cross_nc_sample.txt'));
    expect(err.code).toBe('NO_ISA');
    expect(err.segmentIndex).toBe(1);
    expect(err.message).not.toContain('YPB123456789001'); // no member id (PHI) in messages
  });

  it('rejects empty input and a truncated ISA', async () => {
    expect((await failure('')).code).toBe('NO_ISA');
    expect((await failure(MINI.slice(0, 60))).code).toBe('TRUNCATED_ISA');
    expect((await failure(chunked(MINI.slice(0, 104)))).code).toBe('TRUNCATED_ISA');
  });

  it('rejects a bad ISA13', async () => {
    expect((await failure(MINI.replace('000000123*0', '00000012X*0'))).code).toBe('BAD_ISA');
  });

  it('reports a missing IEA', async () => {
    const err = await failure(MINI.replace('IEA*1*000000123~', ''));
    expect(err.code).toBe('MISSING_IEA');
    expect((await failure(MINI.replace('SE*3*0001~GE*1*55~IEA*1*000000123~', ''))).code).toBe('MISSING_IEA');
  });

  itWithSamples('reports ISA13/IEA02 mismatch (999 sample) and can continue leniently', async () => {
    const text = readSample('999_imsweb_accepted.txt');
    const err = await failure(text);
    expect(err.code).toBe('CONTROL_NUMBER_MISMATCH');
    expect(err.segmentId).toBe('IEA');
    expect(err.segmentIndex).toBe(10);
    const warnings: X12Error[] = [];
    const segs = await collect(text, { envelope: 'lenient', onWarning: (w) => warnings.push(w) });
    expect(segs.length).toBe(10);
    expect(warnings.map((w) => w.code)).toEqual(['CONTROL_NUMBER_MISMATCH']);
  });

  it.each([
    ['GE*1*56~', 'CONTROL_NUMBER_MISMATCH', 'GE'],
    ['SE*3*0002~', 'CONTROL_NUMBER_MISMATCH', 'SE'],
    ['SE*4*0001~', 'SEGMENT_COUNT_MISMATCH', 'SE'],
    ['GE*2*55~', 'TRANSACTION_COUNT_MISMATCH', 'GE'],
    ['IEA*2*000000123~', 'GROUP_COUNT_MISMATCH', 'IEA'],
  ])('reports %s as %s', async (bad, code, segId) => {
    const original = bad.startsWith('GE')
      ? 'GE*1*55~'
      : bad.startsWith('SE')
        ? 'SE*3*0001~'
        : 'IEA*1*000000123~';
    const err = await failure(MINI.replace(original, bad));
    expect(err.code).toBe(code);
    expect(err.segmentId).toBe(segId);
  });

  itWithSamples('reports ST02/SE02 mismatch in the unbalanced databricks sample', async () => {
    const err = await failure(readSample('835_databricks_plb_sample.txt'));
    expect(err.code).toBe('CONTROL_NUMBER_MISMATCH');
    expect(err.message).toContain('SE02 0003 does not match ST02 0001');
  });

  it('reports a missing SE and segments outside a transaction set', async () => {
    expect((await failure(MINI.replace('SE*3*0001~', ''))).code).toBe('MISSING_SE');
    const err = await failure(MINI.replace('GE*1*55~', 'REF*XX*1~GE*1*55~'));
    expect(err.code).toBe('UNEXPECTED_SEGMENT');
    expect(err.segmentIndex).toBe(6);
  });

  itWithSamples('validates the envelope of all valid samples', async () => {
    for (const name of [
      '835_pyx12_mult_loops.txt',
      '835_edi835parser_emedny_sample.txt',
      '835_edi835parser_united_healthcare_legacy_sample.txt',
      '837P_databricks_837p.txt',
      '999_imsweb_rejected.txt',
      '277CA_imsweb_accepted.txt',
      '277CA_imsweb_rejected.txt',
    ]) {
      const segs = await collect(readSample(name));
      expect(segs.at(-1)?.id).toBe('IEA');
    }
  });
});

describeWithSamples('detectTransaction', () => {
  it.each([
    ['835_pyx12_mult_loops.txt', '835', '005010X221A1'],
    ['837P_databricks_837p.txt', '837', '005010X222A1'],
    ['999_imsweb_rejected.txt', '999', '005010X231A1'],
    ['277CA_imsweb_rejected.txt', '277', '005010X214'],
  ])('%s -> %s %s', (name, id, version) => {
    const d = detectTransaction(readSample(name).slice(0, 400));
    expect(d.transactionSetId).toBe(id);
    expect(d.version).toBe(version);
  });

  it('falls back to GS01 when the prefix ends before ST, and fails without ISA', () => {
    const text = readSample('835_edi835parser_emedny_sample.txt');
    const d = detectTransaction(text.slice(0, text.indexOf('ST*')));
    expect(d).toMatchObject({
      transactionSetId: '835',
      functionalIdentifier: 'HP',
      interchangeControlNumber: '006000600',
    });
    expect(() => detectTransaction(readSample('835_edi835parser_blue_cross_nc_sample.txt'))).toThrow(
      /NO_ISA/,
    );
    expect(() => detectTransaction('ISA*00*')).toThrow(/TRUNCATED_ISA/);
  });
});

describe('segments read in place (RawSegment)', () => {
  const delimiters = { element: '*', component: ':', repetition: undefined, segment: '~' };
  const rawOf = (text: string): RawSegment => {
    const buf = `XX~${text}~YY*1`; // the segment sits inside a larger buffer
    const start = 3;
    const end = start + text.length;
    const sep = buf.indexOf('*', start);
    const raw = new RawSegment();
    raw.set(buf, start, end, sep < 0 || sep > end ? end : sep, 7, delimiters);
    return raw;
  };

  it.each(['CLP*A*1*125.5**12*P1*', 'SVC*HC:99213:25*100*80', 'LX', 'N1**', 'CAS*CO*45*-.5*1**'])(
    'el(n) of %s is what splitting gives',
    (text) => {
      const elements = text.split('*');
      for (let n = 0; n <= elements.length + 2; n++) expect(rawOf(text).el(n)).toBe(elements[n] ?? '');
      expect(rawOf(text).toSegment()).toEqual({ id: elements[0], elements, index: 7, delimiters });
    },
  );

  it('reads a segment of more elements than its first bounds table holds (64)', () => {
    const text = `REF${Array.from({ length: 150 }, (_, i) => `*${i % 7 === 0 ? '' : `E${i}`}`).join('')}`;
    const elements = text.split('*');
    const raw = rawOf(text);
    for (let n = 152; n >= 0; n--) expect(raw.el(n)).toBe(elements[n] ?? '');
    const fresh = rawOf(text); // bounds found by isEmpty/length first, not by el
    for (let n = 1; n <= 152; n++) {
      expect(fresh.isEmpty(n)).toBe((elements[n] ?? '') === '');
      expect(fresh.length(n)).toBe((elements[n] ?? '').length);
    }
  });

  it.each([
    '125',
    '125.5',
    '125.50',
    '-3.2',
    '0',
    '007.01',
    '.5',
    '-.5',
    ' 12 ',
    '1.',
    '1.234',
    '-',
    '',
    'X1',
    '1e3',
  ])('cents of %j is centsAt (value or error)', (value) => {
    const text = `AMT*${value}`;
    const segment = rawOf(text).toSegment();
    let want: number | string;
    try {
      want = centsAt(segment, 1);
    } catch (e) {
      want = String(e);
    }
    let got: number | string;
    try {
      got = rawOf(text).cents(1);
    } catch (e) {
      got = String(e);
    }
    expect(got).toEqual(want);
  });

  it('mapRawSegments sees what tokenize yields, from any chunking, with the same envelope errors', async () => {
    const text =
      'ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER       *260101*1200*^*00501*000000001*0*T*:~GS*HP*S*R*20260101*1200*1*X*005010X221A1~ST*835*0001~BPR*I*1*C*CHK~ZZZZ*a**b~SE*4*0001~GE*1*1~IEA*1*000000001~';
    const want = (await collect(text)).map((s) => [s.id, s.elements, s.index]);
    const seen = (raw: RawSegment, out: unknown[]) => out.push([raw.id, raw.toSegment().elements, raw.index]);
    expect(mapRawSegmentsSync(text, {}, seen)).toEqual(want);
    const fromChunks: unknown[] = [];
    for await (const item of mapRawSegments(chunked(text, true), {}, seen)) fromChunks.push(item);
    expect(fromChunks).toEqual(want);
    const bad = text.replace('SE*4*', 'SE*5*');
    expect(() => mapRawSegmentsSync(bad, {}, () => {})).toThrow((await failure(bad)).message);
  });
});

describe('byte chunks decoded in pieces that end at a segment terminator', () => {
  // a two-byte character (É) next to terminators, and a second interchange with other delimiters
  const first =
    'ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER       *260101*1200*^*00501*000000001*0*T*:~GS*HP*S*R*20260101*1200*1*X*005010X221A1~ST*835*0001~BPR*I*1*C*CHK~N1*PR*PAYÉR~SE*4*0001~GE*1*1~IEA*1*000000001~';
  const second =
    'ISA|00|          |00|          |ZZ|SENDER         |ZZ|RECEIVER       |260101|1200|^|00501|000000002|0|T|>!\nGS|HP|S|R|20260101|1200|2|X|005010X221A1!ST|835|0001!BPR|I|1|C|CHK!N1|PR|É!SE|4|0001!GE|1|2!IEA|1|000000002!';
  const text = `${first}\n${second}`;
  const bytes = new TextEncoder().encode(text);
  const seen = (raw: RawSegment, out: unknown[]) => out.push([raw.id, raw.toSegment().elements, raw.index]);

  it('reads the same segments however the bytes are cut, characters split included', async () => {
    const want = mapRawSegmentsSync(text, {}, seen);
    expect(want).toHaveLength(16);
    for (const size of [1, 2, 3, 5, 7, 13, 64, 100, 200]) {
      const parts: Uint8Array[] = [];
      for (let i = 0; i < bytes.length; i += size) parts.push(bytes.subarray(i, i + size));
      const got: unknown[] = [];
      for await (const item of mapRawSegments(parts, {}, seen)) got.push(item);
      expect(got, `chunks of ${size} bytes`).toEqual(want);
    }
  });

  it('decodes invalid UTF-8 and a U+FEFF inside the data as one decoding of all the bytes does', async () => {
    const [head, tail] = text.split('PAYÉR') as [string, string];
    const enc = new TextEncoder();
    const odd = [0xef, 0xbb, 0xbf, 0x41, 0xff, 0xe2, 0x82, 0x42, 0xed, 0xa0, 0x80, 0xc3, 0xa9];
    // a U+FEFF also at the start of a segment (a piece may begin with it)
    const [before, after] = head.split('N1*PR*') as [string, string];
    const bom = [0xef, 0xbb, 0xbf];
    const all = new Uint8Array([
      ...enc.encode(before),
      ...bom,
      ...enc.encode(`N1*PR*${after}`),
      ...odd,
      ...enc.encode(tail),
    ]);
    const want = mapRawSegmentsSync(new TextDecoder().decode(all), {}, seen);
    expect(JSON.stringify(want)).toContain('\ufeffA\ufffd\ufffd');
    for (const size of [1, 2, 3, 7, 64, 150, 1000]) {
      const parts: Uint8Array[] = [];
      for (let i = 0; i < all.length; i += size) parts.push(all.subarray(i, i + size));
      const got: unknown[] = [];
      for await (const item of mapRawSegments(parts, {}, seen)) got.push(item);
      expect(got, `chunks of ${size} bytes`).toEqual(want);
    }
  });

  it('gives the same envelope error from bytes as from the string', async () => {
    const bad = new TextEncoder().encode(text.replace('SE|4|', 'SE|5|'));
    const parts: Uint8Array[] = [];
    for (let i = 0; i < bad.length; i += 9) parts.push(bad.subarray(i, i + 9));
    const expected = await failure(text.replace('SE|4|', 'SE|5|'));
    await expect(
      (async () => {
        for await (const _ of mapRawSegments(parts, {}, () => {})) {
          // drain
        }
      })(),
    ).rejects.toThrow(expected.message);
  });
});

describe('segment codes (RawSegment.code)', () => {
  it('gives each known id its own code and 0 to others', () => {
    expect(segmentCode('ISA')).toBe(1);
    expect(segmentCode('CLP')).toBe(22);
    expect(segmentCode('ZZZ')).toBe(0);
    expect(segmentCode('CLPX')).toBe(0);
    const raw = new RawSegment();
    raw.set('CAS*CO*45*1', 0, 11, 3, 1, {
      element: '*',
      component: ':',
      repetition: undefined,
      segment: '~',
    });
    expect(raw.code).toBe(segmentCode('CAS'));
    raw.set('ZZ*1', 0, 4, 2, 2, { element: '*', component: ':', repetition: undefined, segment: '~' });
    expect(raw.code).toBe(0);
  });

  it("matches every `case <n>: // <ID>` literal of the 835 reader's switch", () => {
    const source = readFileSync(new URL('../../../shared/x12/read835.ts', import.meta.url), 'utf8');
    const cases = [...source.matchAll(/case (\d+): (?:\{\s*)?\/\/ ([A-Z0-9]{2,3})\b/g)];
    expect(cases.length).toBeGreaterThan(15);
    for (const [, code, id] of cases) expect(`${id} ${segmentCode(id as string)}`).toBe(`${id} ${code}`);
  });
});
