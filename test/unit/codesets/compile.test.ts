import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compileCodeSets, DATA_FILES } from '../../../shared/scrub/codesets/compile';
import { parseCptList } from '../../../shared/scrub/codesets/cpt';
import { decodeIcd10, encodeIcd10 } from '../../../shared/scrub/codesets/encoding';
import { CodeSetSourcesMissing, generate } from '../../../shared/scrub/codesets/generate';
import { fixture, sources } from './fixture';

const compile = (edit: (files: Record<string, string>) => void = () => {}) => {
  const files = fixture();
  edit(files);
  return compileCodeSets(sources(files));
};

describe('the code-set compiler', () => {
  it('compiles ICD-10-CM into one sorted list with a status per fiscal year (ties: smallest default)', () => {
    const icd = JSON.parse(compile()['icd10cm.json']);
    expect(icd.fiscalYears).toBe('2025 2026');
    expect(icd.categories).toEqual(['B88:-b *:hh 0:bh 01', 'E11:bb 9', 'QA0:-b 0101']);
    expect(Object.fromEntries(decodeIcd10(icd.categories, 2))).toEqual({
      B88: 'hh',
      B880: 'bh',
      B8801: '-b',
      E119: 'bb',
      QA00101: '-b',
    });
  });

  it('writes sorted rows, counts and provenance', () => {
    const out = compile();
    expect(Object.keys(out)).toEqual([...DATA_FILES]);
    expect(JSON.parse(out['hcpcs.json']).rows).toEqual([
      'A0021|1985-01-01||Outside state ambulance serv',
      'G0438|2011-01-01||Ppps, initial visit',
      'G9327|2014-01-01|2020-12-31|Ct done rad ds index',
    ]);
    expect(JSON.parse(out['modifiers.json']).rows).toEqual([
      '25|CPT|||',
      'JG|HCPCS-II|2018-01-01|2024-12-31|340b acquired drug',
    ]);
    const meta = JSON.parse(out['meta.json']);
    expect(meta.icd10cm.fiscalYears['2026']).toEqual({
      start: '2025-10-01',
      end: '2026-09-30',
      source: 'icd10cm-2026.tsv',
      codes: 5,
      billable: 3,
      headers: 2,
    });
    expect(meta.carc).toEqual({ asOf: '2026-08-17', codes: 3, active: 2 });
    expect(meta.rarc).toEqual({ asOf: '2026-08-18', codes: 2, active: 1 });
    expect(meta.icd10cm.licence).toBe('License: ICD-10-CM is in the public domain.');
    expect(meta.sources['icd10cm-2025.tsv']).toEqual({ sha256: 'f'.repeat(64), bytes: 103 });
  });

  it('is deterministic whatever the order the files are read in', () => {
    const files = sources(fixture());
    expect(compileCodeSets([...files].reverse())).toEqual(compileCodeSets(files));
  });

  it.each<[string, (f: Record<string, string>) => void, string]>([
    [
      'a wrong header',
      (f) => {
        f['icd10cm-2025.tsv'] = f['icd10cm-2025.tsv']?.replace('billable', 'valid') as string;
      },
      "icd10cm-2025.tsv line 1: HEADER: expected columns 'code, billable, short_description', found 'code, valid, short_description'",
    ],
    [
      'a bad billable flag',
      (f) => {
        f['icd10cm-2025.tsv'] = f['icd10cm-2025.tsv']?.replace('B880\t1', 'B880\tY') as string;
      },
      "icd10cm-2025.tsv line 3: BILLABLE_FLAG: billable must be 0 or 1, found 'Y'",
    ],
    [
      'a malformed ICD code',
      (f) => {
        f['icd10cm-2025.tsv'] = f['icd10cm-2025.tsv']?.replace('E119', 'E11.9') as string;
      },
      "icd10cm-2025.tsv line 4: ICD10_CODE: 'E11.9' is not a letter followed by 2-6 letters/digits",
    ],
    [
      'a repeated code',
      (f) => {
        f['icd10cm-2025.tsv'] += 'E119\t1\tagain\n';
      },
      'icd10cm-2025.tsv line 5: DUPLICATE: E119 already on line 4',
    ],
    [
      'a shifted row',
      (f) => {
        f['icd10cm-2025.tsv'] += 'E118\t1\tUnspecified\textra\n';
      },
      'icd10cm-2025.tsv line 5: COLUMN_COUNT: expected 3 tab-separated fields, found 4',
    ],
    [
      'CRLF line endings',
      (f) => {
        f['carc.tsv'] = f['carc.tsv']?.replace(/\n/g, '\r\n') as string;
      },
      'carc.tsv: LINE_ENDINGS: expected LF line endings, found CR',
    ],
    [
      'a fiscal year that its addenda do not explain',
      (f) => {
        f['icd10cm-2026.tsv'] += 'Z0000\t1\tGeneral exam\n';
      },
      'icd10cm-2026.tsv: ADDENDA_MISMATCH: FY2025 plus icd10cm-addenda-2026.tsv gives Z0000 absent, but FY2026 has 1',
    ],
    [
      'addenda deleting a code the previous year lacks',
      (f) => {
        f['icd10cm-addenda-2026.tsv'] += 'Delete\t1\tZ0000\tx\tx\n';
      },
      'icd10cm-addenda-2026.tsv line 6: ADDENDA_DELETE: deletes Z0000 (billable 1), which FY2025 does not hold with that flag',
    ],
    [
      'a missing addenda file',
      (f) => {
        delete f['icd10cm-addenda-2026.tsv'];
      },
      'icd10cm-addenda-2026.tsv: MISSING_FILE: required source file not found',
    ],
    [
      'a gap between fiscal years',
      (f) => {
        f['icd10cm-2027.tsv'] = f['icd10cm-2026.tsv'] as string;
        delete f['icd10cm-2026.tsv'];
      },
      'icd10cm-2027.tsv: FISCAL_YEAR_GAP: FY2025 is followed by FY2027',
    ],
    [
      'an impossible HCPCS date',
      (f) => {
        f['hcpcs-level2-2026.tsv'] = f['hcpcs-level2-2026.tsv']?.replace(
          '2011-01-01',
          '2011-02-30',
        ) as string;
      },
      "hcpcs-level2-2026.tsv line 2: DATE: effective '2011-02-30' is not a YYYY-MM-DD date",
    ],
    [
      'a termination before the effective date',
      (f) => {
        f['hcpcs-level2-2026.tsv'] = f['hcpcs-level2-2026.tsv']?.replace(
          '2020-12-31',
          '2013-12-31',
        ) as string;
      },
      'hcpcs-level2-2026.tsv line 4: DATE_ORDER: G9327 terminates 2013-12-31, before it takes effect 2014-01-01',
    ],
    [
      'a CPT code in the HCPCS file',
      (f) => {
        f['hcpcs-level2-2026.tsv'] += '99213\tOffice visit\t1992-01-01\t\n';
      },
      "hcpcs-level2-2026.tsv line 5: HCPCS_CODE: '99213' is not a letter A-V followed by 4 digits",
    ],
    [
      'another HCPCS release',
      (f) => {
        f['sources/hcpcs-data-2026-jan.json'] = '{"version":"2026-Q2-APR","codes":[]}';
      },
      'sources/hcpcs-data-2026-jan.json line 1: HCPCS_VERSION: expected version 2026-Q1-JAN, found 2026-Q2-APR',
    ],
    [
      'a CPT modifier descriptor (AMA licence)',
      (f) => {
        f['modifiers.tsv'] = f['modifiers.tsv']?.replace(
          '25\tCPT\t\t',
          '25\tCPT\tSignificant E/M\t',
        ) as string;
      },
      'modifiers.tsv line 2: CPT_CONTENT: CPT modifier 25 must carry no descriptor or dates (AMA licence)',
    ],
    [
      'a description holding the separator',
      (f) => {
        f['modifiers.tsv'] = f['modifiers.tsv']?.replace('340b acquired', '340b|acquired') as string;
      },
      "modifiers.tsv line 3: DESCRIPTION: description of JG holds a control character or '|'",
    ],
    [
      'an active flag contradicting the X12 status',
      (f) => {
        f['carc.tsv'] = f['carc.tsv']?.replace('15\t0', '15\t1') as string;
      },
      "carc.tsv line 3: ACTIVE_FLAG: active '1' disagrees with x12_status 'deactivated'",
    ],
    [
      'a malformed RARC',
      (f) => {
        f['rarc.tsv'] += 'X12\t1\tcurrent\t\n';
      },
      "rarc.tsv line 4: ADJUSTMENT_CODE: 'X12' is not a RARC code",
    ],
    [
      'a README without a licence note',
      (f) => {
        f['README.md'] = f['README.md']?.replace('- **License:** public domain (CMS).', '') as string;
      },
      "README.md: README_LICENCE: no line starting '**License:**' in section '3. Modifiers'",
    ],
  ])('refuses %s, naming the file, line and rule', (_, edit, message) => {
    expect(() => compile(edit)).toThrow(message);
  });
});

describe('the ICD-10-CM encoding', () => {
  it('round-trips any set of codes and statuses', () => {
    const statuses = new Map([
      ['A00', 'hhh'],
      ['A000', 'bbb'],
      ['A001', 'bb-'],
      ['A0010', '--b'],
      ['A002', 'bbb'],
      ['QA1', '--h'],
      ['QA1790', '--b'],
    ]);
    const lines = encodeIcd10(statuses);
    expect(lines).toEqual(['A00:bbb *:hhh 0 1:bb- 10:--b 2', 'QA1:--b *:--h 790']);
    expect(decodeIcd10(lines, 3)).toEqual(statuses);
  });

  it('refuses a damaged table, naming the line', () => {
    expect(() => decodeIcd10(['A00:bbb 0', 'A01:bb 1'], 3)).toThrow(
      "icd10cm table, category line 2: malformed 'A01:bb 1'",
    );
    expect(() => decodeIcd10(['A00:bbb 0:bx'], 3)).toThrow(
      "icd10cm table, category line 1: malformed 'A00:bbb 0:bx'",
    );
  });
});

describe('a deployer CPT list', () => {
  it('reads one code per line, skipping blanks and comments', () => {
    const list = parseCptList(
      '# licensed CPT 2026\n99213\n\n 99214 \r\n1036F\n0042T\n0001U\n99213\n',
      'cpt.txt',
    );
    expect(list.size).toBe(5);
    expect(list.has('99214')).toBe(true);
    expect(list.has('99215')).toBe(false);
    expect(list.source).toBe('cpt.txt');
  });

  it('refuses a line that is not a CPT code, naming it', () => {
    expect(() => parseCptList('99213\n99214,Office visit\n', 'cpt.txt')).toThrow(
      "cpt.txt line 2: CPT_FORMAT: '99214,Office visit' is not a CPT code",
    );
    expect(() => parseCptList('# nothing\n\n', 'empty.txt')).toThrow('empty.txt line 3: CPT_LIST_EMPTY');
  });
});

describe('generate (files)', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'codesets-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('refuses a missing source directory with a clear message', () => {
    const missing = join(tmp, 'no-such-dir');
    expect(() => generate(missing, join(tmp, 'out'))).toThrow(CodeSetSourcesMissing);
    expect(() => generate(missing, join(tmp, 'out'))).toThrow(
      `code-set sources not found: ${missing} does not exist or has no README.md`,
    );
  });

  it('writes every table from a source directory, with real sha256 digests', () => {
    const src = join(tmp, 'src');
    for (const [name, text] of Object.entries(fixture())) {
      mkdirSync(dirname(join(src, name)), { recursive: true });
      writeFileSync(join(src, name), text);
    }
    const out = join(tmp, 'out');
    const written = generate(src, out);
    expect(written.map((w) => w.file)).toEqual(DATA_FILES.map((f) => join(out, f)));
    const meta = JSON.parse(readFileSync(join(out, 'meta.json'), 'utf8'));
    // sha256 of the README fixture as written
    expect(meta.sources['README.md'].sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(meta.sources['README.md'].sha256).not.toBe('f'.repeat(64));
    const again = join(tmp, 'again');
    generate(src, again);
    for (const f of DATA_FILES)
      expect(readFileSync(join(again, f), 'utf8')).toBe(readFileSync(join(out, f), 'utf8'));
  });
});
