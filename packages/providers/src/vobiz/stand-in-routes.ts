import { plivoStyleStandInRoutes } from '../plivo-style/stand-in-routes.ts';

/** Vobiz in the stand-in: `X-Auth-ID`/`X-Auth-Token` on `/api/v1/Account/{id}/Call/{uuid}/`. */
export const vobizStandInRoutes = plivoStyleStandInRoutes({
  provider: 'vobiz',
  prefix: '/api/v1',
  auth: Object.freeze({ scheme: 'x-auth-headers', user: 'account', secret: 'auth_token' }),
  testAccount: 'MA_VOBIZTEST',
  testToken: 'vobiz-test-token',
});
