/** Kept for existing imports: the simulated clearinghouse now lives in server.ts. */
export {
  type OutgoingKind,
  type Simulator,
  type SimulatorOptions,
  type SimulatorStats,
  startSimulator,
} from './server';
