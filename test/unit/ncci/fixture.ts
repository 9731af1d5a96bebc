/**
 * SYNTHETIC NCCI files in the CMS layouts: every code here is made up (0Z0xx, 0Y0xx); nothing is
 * taken from the CMS tables (CPT content is AMA-licensed and never ships in the repository).
 */
export const PTP_TXT = [
  'CPT only copyright 2026 American Medical Association. All rights reserved.',
  'Column 1\tColumn 2\t* =in existence prior to 1996\tEffective Date\tDeletion Date *=no data\tModifier 0=not allowed 1=allowed 9=not applicable\tPTP Edit Rationale',
  '0Z001\t0Z002\t\t20250101\t*\t1\tMisuse of column two code with column one code',
  '0Z001\t0Z003\t\t20250101\t*\t0\tMutually exclusive procedures',
  '0Z001\t0Z004\t\t20240101\t20251231\t0\tStandards of medical / surgical services',
  '0Z001\t0Z005\t\t20250101\t*\t9\tMisuse of column two code with column one code',
  '0Z006\t0Z007\t*\t20260401\t*\t1\tCPT Manual or CMS manual coding instructions',
  '',
].join('\r\n');

export const MUE_CSV = [
  '"CPT codes and descriptions only are copyright 2026 American Medical Association. All Rights Reserved."',
  '"HCPCS/CPT Code","Practitioner Services MUE Values","MUE Adjudication Indicator","MUE Rationale"',
  '0Y001,1,"1 Line Edit","Anatomic Consideration"',
  '0Y002,2,"2 Date of Service Edit: Policy","Code Descriptor / CPT Instruction"',
  '0Y003,4,"3 Date of Service Edit: Clinical","Clinical: Data"',
  '0Z002,0,"2 Date of Service Edit: Policy","Nature of Service/Procedure"',
  '',
].join('\n');
