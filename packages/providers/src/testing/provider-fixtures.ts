import { cloudonixFixtures } from '../cloudonix/fixtures.ts';
import { exotelFixtures } from '../exotel/fixtures.ts';
import type { ProviderFixtures } from '../fixture-types.ts';
import { plivoFixtures } from '../plivo/fixtures.ts';
import type { ProviderName } from '../provider-name.ts';
import { twilioFixtures } from '../twilio/fixtures.ts';
import { vobizFixtures } from '../vobiz/fixtures.ts';

/**
 * The recorded frames of every registered provider (from its folder's `fixtures.ts`), by name. A
 * provider registered without fixtures does not compile.
 */
export const PROVIDER_FIXTURES: Readonly<Record<ProviderName, ProviderFixtures>> = Object.freeze({
  cloudonix: cloudonixFixtures,
  exotel: exotelFixtures,
  vobiz: vobizFixtures,
  twilio: twilioFixtures,
  plivo: plivoFixtures,
});
