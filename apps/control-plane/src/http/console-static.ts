import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { type RequestHandler, type Response } from 'express';

/** Where `npm install` builds the operator console (the `@vr3/console` workspace's `dist/`). */
export const CONSOLE_DIST_DIR = fileURLToPath(new URL('../../../console/dist', import.meta.url));

/**
 * Headers of every console response. The console is only same-origin files: no inline script or
 * style, no CDN, no framing (clickjacking), no `<base>` or plugin tricks, and no referrer sent on.
 */
export const CONSOLE_SECURITY_HEADERS = Object.freeze({
  'Content-Security-Policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Opener-Policy': 'same-origin',
});

/** Hashed assets never change under one name: cached for a year, never revalidated. */
const ASSET_MAX_AGE_MS = 365 * 24 * 60 * 60 * 1000;

/** A built console: its page, read once, and the folder of its content-hashed assets. */
export interface ConsoleBuild {
  indexHtml: Buffer;
  assetsDir: string;
}

/** The console built under `dir`, or null when there is none (`index.html` missing). */
export function loadConsole(dir: string = CONSOLE_DIST_DIR): ConsoleBuild | null {
  let indexHtml: Buffer;
  try {
    indexHtml = fs.readFileSync(path.join(dir, 'index.html'));
  } catch {
    return null;
  }
  return { indexHtml, assetsDir: path.join(dir, 'assets') };
}

function setSecurityHeaders(res: Response): void {
  for (const [name, value] of Object.entries(CONSOLE_SECURITY_HEADERS)) res.setHeader(name, value);
}

/** Sends the console's page: never cached (it names the current assets), with the security headers. */
export function sendConsolePage(res: Response, build: ConsoleBuild): void {
  setSecurityHeaders(res);
  res.setHeader('Cache-Control', 'no-store');
  res.type('text/html; charset=utf-8').send(build.indexHtml);
}

/**
 * The console's assets, to mount at `/assets`: immutable for a year, with the security headers. A
 * name that is not there falls through (to the JSON 404).
 */
export function consoleAssets(build: ConsoleBuild): RequestHandler {
  return express.static(build.assetsDir, {
    index: false,
    redirect: false,
    dotfiles: 'ignore',
    immutable: true,
    maxAge: ASSET_MAX_AGE_MS,
    setHeaders: setSecurityHeaders,
  });
}
