import { cloudonixStandInRoutes } from '../cloudonix/stand-in-routes.ts';
import { exotelStandInRoutes } from '../exotel/stand-in-routes.ts';
import { plivoStandInRoutes } from '../plivo/stand-in-routes.ts';
import type { ProviderName } from '../provider-name.ts';
import { twilioStandInRoutes } from '../twilio/stand-in-routes.ts';
import { vobizStandInRoutes } from '../vobiz/stand-in-routes.ts';
import type { StandInRoutes } from './stand-in-routes.ts';

/**
 * The stand-in routes of every registered provider (from its folder's `stand-in-routes.ts`), by
 * name. A provider registered without them does not compile.
 */
export const STAND_IN_ROUTES: Readonly<Record<ProviderName, StandInRoutes>> = Object.freeze({
  cloudonix: cloudonixStandInRoutes,
  exotel: exotelStandInRoutes,
  vobiz: vobizStandInRoutes,
  twilio: twilioStandInRoutes,
  plivo: plivoStandInRoutes,
});
