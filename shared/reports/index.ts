/** Revenue-cycle reports: pure formulas over claims, events and ledgers (docs/reports.md), CSV export. */
export * from './csv';
export * from './export';
export * from './metrics';
