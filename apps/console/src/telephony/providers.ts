/**
 * How each provider's telephony configuration is entered: its account field and its write-only
 * credential fields, as `POST /telephony-configurations` names them (docs/agent-stream.md,
 * "Telephony configurations"). The server validates and says which field is wrong.
 */
export interface ProviderForm {
  accountField: string;
  accountLabel: string;
  credentialFields: readonly string[];
}

/** The providers a configuration may be made for, in the order the form offers them. */
export const PROVIDER_FORMS: Readonly<Record<string, ProviderForm>> = {
  twilio: { accountField: 'account_sid', accountLabel: 'Account SID', credentialFields: ['auth_token'] },
  cloudonix: { accountField: 'domain_id', accountLabel: 'Domain', credentialFields: ['bearer_token'] },
  exotel: { accountField: 'account_sid', accountLabel: 'Account SID', credentialFields: ['api_key', 'api_token'] },
  vobiz: { accountField: 'auth_id', accountLabel: 'Auth ID', credentialFields: ['auth_token'] },
  plivo: { accountField: 'auth_id', accountLabel: 'Auth ID', credentialFields: ['auth_token'] },
};

/** The provider names of {@link PROVIDER_FORMS}. */
export const PROVIDERS = Object.keys(PROVIDER_FORMS);
