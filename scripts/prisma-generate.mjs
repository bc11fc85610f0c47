// Generates the Prisma client into apps/control-plane/src/generated/prisma.
// The Prisma CLI needs DATABASE_URL to be set even when it does not connect.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

if (!existsSync('prisma/schema.prisma')) process.exit(0);
const env = { ...process.env, DATABASE_URL: process.env.DATABASE_URL ?? 'postgresql://vr3@127.0.0.1:5432/vr3' };
const res = spawnSync('npx', ['prisma', 'generate'], { stdio: 'inherit', env });
process.exit(res.status ?? 1);
