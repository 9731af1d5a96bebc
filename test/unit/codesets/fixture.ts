/** A minimal, valid set of code-set sources (the layout of ../shared/codesets) for generator tests. */
import type { SourceFile } from '../../../shared/scrub/codesets/compile';

export const README = `# Code sets
| \`carc.tsv\` | 3 | codes | x12.org list as of 2026-08-17 |
| \`rarc.tsv\` | 2 | codes | x12.org list as of 2026-08-18 |

## 1. ICD-10-CM (test)
\`icd10cm-2027.tsv\` is therefore **rebuilt** for the test.
**License:** ICD-10-CM is in the public domain.

## 2. HCPCS Level II (test)
**License:** HCPCS Level II is in the public domain.

## 3. Modifiers (test)
- **License:** public domain (CMS).
- This list was **compiled from general knowledge**, for the test.

## 4. CARC and RARC (test)
**Original publisher:** ASC X12; paraphrases only.
`;

export function fixture(): Record<string, string> {
  return {
    'README.md': README,
    'icd10cm-2025.tsv':
      'code\tbillable\tshort_description\nB88\t0\tOther infestations\nB880\t1\tOther acariasis\nE119\t1\tType 2 diabetes\n',
    'icd10cm-2026.tsv':
      'code\tbillable\tshort_description\nE119\t1\tType 2 diabetes\nB88\t0\tOther infestations\nB880\t0\tOther acariasis\nB8801\t1\tDemodex\nQA00101\t1\tSCN2A\n',
    'icd10cm-addenda-2026.tsv':
      'action\tbillable\tcode\tshort_description\tlong_description\n' +
      'Delete\t1\tB880\tOther acariasis\tOther acariasis\n' +
      'Add\t0\tB880\tOther acariasis\tOther acariasis\n' +
      'Add\t1\tB8801\tDemodex\tDemodex\n' +
      'Add\t1\tQA00101\tSCN2A\tSCN2A\n',
    'hcpcs-level2-2026.tsv':
      'code\tshort_description\teffective\ttermination\nG0438\tPpps, initial visit\t2011-01-01\t\nA0021\tOutside state ambulance serv\t1985-01-01\t\nG9327\tCt done rad ds index\t2014-01-01\t2020-12-31\n',
    'sources/hcpcs-data-2026-jan.json': '{"version":"2026-Q1-JAN","codes":[]}',
    'modifiers.tsv':
      'modifier\tcode_set\tshort_description\teffective\ttermination\n25\tCPT\t\t\t\nJG\tHCPCS-II\t340b acquired drug\t2018-01-01\t2024-12-31\n',
    'carc.tsv':
      'code\tactive\tx12_status\tparaphrase\n1\t1\tcurrent\tDeductible\n15\t0\tdeactivated\tAuth problem\nCO\t1\tcurrent\t\n'.replace(
        'CO\t1',
        'A1\t1',
      ),
    'rarc.tsv': 'code\tactive\tx12_status\tparaphrase\nN130\t1\tcurrent\tSee plan\nMA01\t0\tdeactivated\t\n',
  };
}

export const sources = (files: Record<string, string>): SourceFile[] =>
  Object.entries(files).map(([name, text]) => ({ name, text, sha256: 'f'.repeat(64) }));
