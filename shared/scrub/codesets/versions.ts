/** The provenance record written by the generator (data/meta.json) and returned by codeSetVersions(). */
export interface CodeSetVersions {
  generatedBy: string;
  icd10cm: {
    /** keyed by fiscal year, e.g. "2026" (2025-10-01 to 2026-09-30) */
    fiscalYears: Record<
      string,
      { start: string; end: string; source: string; codes: number; billable: number; headers: number }
    >;
    note: string;
    licence: string;
  };
  hcpcs: {
    release: string;
    /** last date of service the release is known to cover; later quarters may add or end codes */
    reliableThrough: string;
    codes: number;
    terminated: number;
    licence: string;
  };
  modifiers: {
    release: string;
    reliableThrough: string;
    hcpcsLevel2: number;
    hcpcsLevel2Terminated: number;
    cptCodesOnly: number;
    licence: string;
    cptNote: string;
  };
  carc: { asOf: string; codes: number; active: number };
  rarc: { asOf: string; codes: number; active: number };
  adjustmentCodesLicence: string;
  cpt: string;
  /** every source file read, with its sha256 and size */
  sources: Record<string, { sha256: string; bytes: number }>;
}
