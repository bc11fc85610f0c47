import { plivoStyleStandInRoutes } from '../plivo-style/stand-in-routes.ts';

/** Plivo in the stand-in: Basic `auth_id:auth_token` on `/v1/Account/{id}/Call/{uuid}/`. */
export const plivoStandInRoutes = plivoStyleStandInRoutes({
  provider: 'plivo',
  prefix: '/v1',
  auth: Object.freeze({ scheme: 'basic', user: 'account', secret: 'auth_token' }),
  testAccount: 'MAPLIVOTEST000000000',
  testToken: 'plivo-test-token',
});
