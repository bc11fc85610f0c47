// Entry of the control-plane thread: the product runs its TypeScript through tsx, whose loader a
// worker thread does not inherit on every Node version; it is registered here before the worker loads.
import { register } from 'tsx/esm/api';

register();
await import('./worker.ts');
