// The `vr3-sim` process: runs the command line and exits with its code. Started by the launcher
// (bin/vr3-sim.mjs, through tsx) or as a bundled entry (scripts/build-entries.mjs).
import { main } from './main.ts';

process.exitCode = await main(process.argv.slice(2));
