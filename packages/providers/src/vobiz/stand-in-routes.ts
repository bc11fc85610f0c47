import { plivoStyleStandInRoutes } from '../plivo-style/stand-in-routes.ts';
import type { StandInAccountRead } from '../testing/stand-in-routes.ts';

/**
 * Vobiz's Retrieve Account Details: `GET /api/v1/auth/me`, the account being the one `X-Auth-ID`
 * names → `{id, auth_id, name, is_active}` (the real answer also shows `auth_secret` redacted).
 */
const vobizAccountRead: StandInAccountRead = Object.freeze<StandInAccountRead>({
  match(req) {
    if (req.path !== '/api/v1/auth/me') return null;
    if (req.method !== 'GET') return 'method';
    const id = req.headers['x-auth-id'];
    return { account: typeof id === 'string' ? id : '' };
  },
  answer: (account) => ({ status: 200, body: { type: 'account', id: account, auth_id: account, auth_secret: '<redacted>', name: 'Stand-in account', is_active: true } }),
});

/** Vobiz in the stand-in: `X-Auth-ID`/`X-Auth-Token` on `/api/v1/Account/{id}/Call/{uuid}/`. */
export const vobizStandInRoutes = plivoStyleStandInRoutes({
  provider: 'vobiz',
  prefix: '/api/v1',
  auth: Object.freeze({ scheme: 'x-auth-headers', user: 'account', secret: 'auth_token' }),
  testAccount: 'MA_VOBIZTEST',
  testToken: 'vobiz-test-token',
  accountRead: vobizAccountRead,
});
