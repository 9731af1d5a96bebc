/** NCCI PTP and MUE: readers for the CMS files, the compact table, and the scrub rules (docs/ncci.md). */
export {
  detectNcciFileKind,
  isYmd,
  type ModifierIndicator,
  type MueAdjudicationIndicator,
  type MueEdit,
  NCCI_CODE,
  type NcciFileKind,
  type NcciInput,
  type NcciLoadError,
  type ParseOptions,
  type ParseResult,
  type PtpEdit,
  parseMueFile,
  parsePtpFile,
} from './parse';
export {
  NCCI_BYPASS_MODIFIERS,
  NCCI_MUE_RULE,
  NCCI_PTP_RULE,
  ncciFindings,
  ncciMueFindings,
  ncciPtpFindings,
} from './rules';
export {
  type CompileInput,
  type CompileResult,
  compileNcciTable,
  loadNcciTable,
  type MueEntry,
  NCCI_TABLE_FORMAT,
  type NcciSource,
  type NcciTable,
  NcciTableBuilder,
  NcciTableError,
  type NcciTableFile,
  type PtpEntry,
} from './table';
