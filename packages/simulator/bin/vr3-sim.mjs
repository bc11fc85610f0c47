#!/usr/bin/env node
// Launcher for `npx vr3-sim`: the package ships TypeScript sources (no build step), so register
// tsx's loader and hand over to the TypeScript entry point.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/run.ts');
