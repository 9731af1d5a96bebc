#!/usr/bin/env node
// The `claimflow` bin: runs cli/claimflow.ts through tsx (a dev dependency), so `npx claimflow ...`
// works in the repository without a build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('./claimflow.ts');
process.exitCode = await main(process.argv.slice(2));
