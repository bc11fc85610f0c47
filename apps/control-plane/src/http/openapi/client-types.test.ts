import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CLIENT_TYPES_FILE, renderClientTypes } from './client-types.ts';

describe("the console's API types", () => {
  it('are what the OpenAPI document gives (run `npm run openapi:types` after changing the API)', async () => {
    const rendered = await renderClientTypes();
    expect(rendered).toContain('operations["createAgent"]');
    expect(rendered).toMatch(/"\/agents\/\{uuid\}\/calls": \{/);
    expect(readFileSync(CLIENT_TYPES_FILE, 'utf8') === rendered, 'apps/console/src/generated/api.ts is stale: run `npm run openapi:types`').toBe(true);
  });
});
