import { z } from 'zod';

/**
 * A service credential as the control-plane joins it into an engine section at admission (in
 * memory only, never stored or logged): the vendor key, the credential's `base_url` (null: the
 * vendor's own endpoint), and `address_policy` — `any` when the product allows insecure provider
 * URLs, else `public`. Engines that call vendors extend their sections' schemas with its shape.
 */
export const ResolvedCredentialSchema = z.strictObject({
  api_key: z.string().min(1),
  base_url: z.string().nullable(),
  address_policy: z.enum(['public', 'any']),
});
/** See {@link ResolvedCredentialSchema}. */
export type ResolvedCredential = z.infer<typeof ResolvedCredentialSchema>;
