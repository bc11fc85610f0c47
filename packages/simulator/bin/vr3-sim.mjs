#!/usr/bin/env node
// Launcher for `npx vr3-sim`: the package ships TypeScript sources (no build step), so register
// tsx's loader and hand over to the TypeScript entry point.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
