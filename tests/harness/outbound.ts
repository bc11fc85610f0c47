/**
 * End-to-end helpers for calls the product places or joins (outbound calls, attached streams): the
 * providers' REST stand-ins and one product they dial back into, the numbers the stand-in's
 * dial-back scripts (busy, unanswered), placing a call through the API, and the stand-in's dial of it.
 */
import { startFakeProviderApi, type DialBackOptions, type FakeApiProvider, type FakeProviderApi, type FakeProviderApiOptions, type StandInDial } from '@vr3/providers/testing';
import type { Deployment } from './cloudonix.ts';
import { eventually, ProductProcess, type ProductOptions } from './product.ts';
import { setupProvider, type ProviderSetup } from './providers.ts';

/** A call to this number is busy under {@link scriptedDialBack}. */
export const BUSY_NUMBER = '+15550000486';
/** A call to this number rings out unanswered under {@link scriptedDialBack}. */
export const NO_ANSWER_NUMBER = '+15550000404';
/** The caller id placed calls are made with (every provider needs one). */
export const CALLER_ID = '+15550000100';

/** Dial-back `options` under which {@link BUSY_NUMBER} is busy, {@link NO_ANSWER_NUMBER} unanswered, every other number answered. */
export function scriptedDialBack(options: Omit<DialBackOptions, 'outcome'> = {}): DialBackOptions {
  return { ...options, outcome: (to) => (to === BUSY_NUMBER ? 'busy' : to === NO_ANSWER_NUMBER ? 'no-answer' : 'answer') };
}

/** One product and, per provider, its stand-in with an agent and a configuration pointing at it. */
export interface OutboundRig<P extends FakeApiProvider> {
  product: ProductProcess;
  /** Each provider's setup; `setups[p].api` is its stand-in. */
  setups: Record<P, ProviderSetup>;
  /** Stops the product, then the stand-ins. */
  close(): Promise<void>;
}

/** What {@link startOutboundRig} starts with. */
export interface OutboundRigOptions {
  /** Every stand-in's options (dial-back of placed calls, stream-back of attached streams). */
  standIn?: FakeProviderApiOptions;
  product?: ProductOptions;
}

/** Starts a stand-in per provider and a product, and sets up an echo agent and a configuration for each. */
export async function startOutboundRig<P extends FakeApiProvider>(providers: readonly P[], options: OutboundRigOptions = {}): Promise<OutboundRig<P>> {
  const apis = await Promise.all(providers.map((p) => startFakeProviderApi(p, options.standIn)));
  const closeApis = () => Promise.all(apis.map((api) => api.close()));
  let product: ProductProcess | undefined;
  try {
    product = await ProductProcess.start(options.product);
    const started = product;
    const list = await Promise.all(apis.map((api) => setupProvider(started, api)));
    const setups = Object.fromEntries(list.map((setup) => [setup.provider, setup])) as Record<P, ProviderSetup>;
    return {
      product,
      setups,
      close: async () => {
        await started.stop();
        await closeApis();
      },
    };
  } catch (err) {
    await product?.stop();
    await closeApis();
    throw err;
  }
}

/** `POST /agents/{uuid}/calls` through `setup`'s configuration to `to` (from {@link CALLER_ID}, plus `extra`); the 201 body (throws on any other answer). */
export async function placeCall(product: Deployment, setup: ProviderSetup, to: string, extra: Record<string, unknown> = {}): Promise<any> {
  const res = await product.api('POST', `/agents/${setup.agentUuid}/calls`, { telephony_configuration_id: setup.configId, to, from: CALLER_ID, ...extra });
  if (res.status !== 201) throw new Error(`placing a call to ${to} answered ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** The stand-in's `count`-th dial of `to` (1: the first), once it is over (its last callback posted). */
export async function dialOf(api: FakeProviderApi, to: string, count = 1): Promise<StandInDial> {
  const dial = await eventually(async () => api.dials.filter((d) => d.placement.to === to)[count - 1], 5000);
  await dial.done;
  return dial;
}
