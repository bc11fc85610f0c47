import { plivoStyleStandInRoutes } from '../plivo-style/stand-in-routes.ts';
import type { StandInAccountRead } from '../testing/stand-in-routes.ts';
import { accountPathMatch } from '../testing/stand-in-routes.ts';

const ACCOUNT_PATH = /^\/v1\/Account\/([^/]+)\/?$/;

/** Plivo's account details: `GET /v1/Account/{auth_id}/` → `{auth_id, account_type, name, cash_credits, resource_uri}`. */
const plivoAccountRead: StandInAccountRead = Object.freeze<StandInAccountRead>({
  match: accountPathMatch(ACCOUNT_PATH, 'GET'),
  answer: (account) => ({
    status: 200,
    body: { api_id: 'stand-in', auth_id: account, account_type: 'standard', name: 'Stand-in account', cash_credits: '100.00000', resource_uri: `/v1/Account/${account}/` },
  }),
});

/** Plivo in the stand-in: Basic `auth_id:auth_token` on `/v1/Account/{id}/Call/{uuid}/`. */
export const plivoStandInRoutes = plivoStyleStandInRoutes({
  provider: 'plivo',
  prefix: '/v1',
  auth: Object.freeze({ scheme: 'basic', user: 'account', secret: 'auth_token' }),
  testAccount: 'MAPLIVOTEST000000000',
  testToken: 'plivo-test-token',
  accountRead: plivoAccountRead,
});
