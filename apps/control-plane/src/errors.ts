import { RunEventsRefusal, Vr3Error, type Vr3ErrorOptions } from '@vr3/protocol';

/**
 * REST error codes and their HTTP statuses: the one table the router answers from.
 * Anything that is not an {@link ApiError} becomes `internal` (500); its cause is logged, never sent.
 */
export const API_ERRORS = {
  invalid_json: 400,
  validation_failed: 400,
  unknown_engine: 400,
  invalid_engine_config: 400,
  unauthorized: 401,
  invalid_credentials: 401,
  forbidden: 403,
  csrf_token_invalid: 403,
  origin_not_allowed: 403,
  not_found: 404,
  agent_not_found: 404,
  telephony_configuration_not_found: 404,
  run_not_found: 404,
  user_not_found: 404,
  api_key_not_found: 404,
  service_credential_not_found: 404,
  campaign_not_found: 404,
  recording_not_found: 404,
  range_not_satisfiable: 416,
  recording_storage_unavailable: 503,
  configuration_exists: 409,
  run_already_ended: 409,
  campaign_ended: 409,
  agent_archived: 409,
  service_credential_in_use: 409,
  email_taken: 409,
  last_admin: 409,
  own_account: 409,
  user_owns_agents: 409,
  invitation_not_found: 404,
  invitation_used: 410,
  invitation_expired: 410,
  invitation_revoked: 410,
  invitation_accepted: 409,
  password_too_short: 422,
  password_too_long: 422,
  password_unchanged: 422,
  wrong_password: 422,
  too_many_sign_in_attempts: 429,
  unknown_provider: 422,
  unknown_vendor: 422,
  invalid_domain: 422,
  invalid_account_id: 422,
  invalid_api_base_url: 422,
  insecure_api_base_url: 422,
  disallowed_api_base_url: 422,
  unresolvable_api_base_url: 422,
  invalid_base_url: 422,
  insecure_base_url: 422,
  disallowed_base_url: 422,
  unresolvable_base_url: 422,
  invalid_webhook_url: 422,
  insecure_webhook_url: 422,
  disallowed_webhook_url: 422,
  unresolvable_webhook_url: 422,
  webhook_secret_required: 422,
  credentials_required: 422,
  no_draft_version: 422,
  invalid_phone_number: 422,
  from_required: 422,
  outbound_not_supported: 422,
  attach_not_supported: 422,
  no_live_stream: 409,
  provider_request_failed: 502,
  quota_exceeded: 429,
  public_url_unknown: 503,
  too_many_live_streams: 503,
  shutting_down: 503,
  payload_too_large: 413,
  unsupported_media_type: 415,
  internal: 500,
} as const;

/** One of the keys of {@link API_ERRORS}. */
export type ApiErrorCode = keyof typeof API_ERRORS;

/** A REST failure with a stable code; the router answers `{"error":{"code","message"}}` with its status. */
export class ApiError extends Vr3Error<ApiErrorCode> {
  get status(): number {
    return API_ERRORS[this.code];
  }
}

/** Codes of {@link MigrationError}. */
export const MigrationErrorCode = {
  /** An applied migration's file changed since it was applied. */
  ChecksumMismatch: 'migration_checksum_mismatch',
  /** A migration is recorded as started but never finished (left by another tool). */
  FailedMigration: 'migration_failed_previously',
  /** A migration's SQL failed; its transaction was rolled back. */
  ApplyFailed: 'migration_apply_failed',
  /** The migrations folder is missing or unreadable. */
  MissingMigrations: 'migrations_missing',
  /** Another process held the migration lock for longer than the lock timeout. */
  LockTimeout: 'migration_lock_timeout',
} as const;

/** One of {@link MigrationErrorCode}. */
export type MigrationErrorCode = (typeof MigrationErrorCode)[keyof typeof MigrationErrorCode];

/** The database could not be migrated. Never retryable without an operator, except `migration_lock_timeout`. */
export class MigrationError extends Vr3Error<MigrationErrorCode> {
  constructor(
    code: MigrationErrorCode,
    message: string,
    readonly migration?: string,
    options: Vr3ErrorOptions = {},
  ) {
    super(code, message, { ...options, retryable: code === MigrationErrorCode.LockTimeout });
  }
}

/** Codes of {@link SecretError}. */
export const SecretErrorCode = {
  /** The secret key is not 32 bytes of base64 or hex. */
  InvalidKey: 'invalid_secret_key',
  /** A sealed value is malformed, has an unknown version, or fails authentication (tampered / wrong key). */
  Unreadable: 'secret_unreadable',
} as const;

/** One of {@link SecretErrorCode}. */
export type SecretErrorCode = (typeof SecretErrorCode)[keyof typeof SecretErrorCode];

/** Encryption of stored credentials failed. Messages never include key material or plaintext. */
export class SecretError extends Vr3Error<SecretErrorCode> {}

/** Codes of {@link BootstrapError}. */
export const BootstrapErrorCode = {
  /** The bootstrap API key is too short or contains whitespace. */
  InvalidApiKey: 'invalid_bootstrap_api_key',
  /** The bootstrap password is shorter than 12 or longer than 256 characters. */
  InvalidPassword: 'invalid_bootstrap_password',
  /** The bootstrap admin's email is another user's. */
  EmailTaken: 'bootstrap_email_taken',
} as const;

/** One of {@link BootstrapErrorCode}. */
export type BootstrapErrorCode = (typeof BootstrapErrorCode)[keyof typeof BootstrapErrorCode];

/** The first-start bootstrap was given unusable input. */
export class BootstrapError extends Vr3Error<BootstrapErrorCode> {}

/** Codes of {@link OperatorError}. */
export const OperatorErrorCode = {
  /** No organization has the given id or name. */
  OrganizationNotFound: 'organization_not_found',
  /** No `--org` was given and the database holds several organizations (or none). */
  OrganizationAmbiguous: 'organization_ambiguous',
  /** A user with the admin email already exists (emails are unique across organizations). */
  EmailTaken: 'email_taken',
  /** An operator argument is missing or malformed. */
  InvalidArgument: 'invalid_argument',
} as const;

/** One of {@link OperatorErrorCode}. */
export type OperatorErrorCode = (typeof OperatorErrorCode)[keyof typeof OperatorErrorCode];

/** An operator command (`npm run operator`) cannot be carried out. Never retryable. */
export class OperatorError extends Vr3Error<OperatorErrorCode> {}

/** Codes of {@link ProviderActionError}. */
export const ProviderActionErrorCode = {
  /** The run does not exist. */
  RunNotFound: 'run_not_found',
  /** The run has no telephony configuration (deleted) or it has no credentials. */
  NoConfiguration: 'configuration_unavailable',
  /** No provider session id was recorded for the run (its `start` never arrived). */
  NoSession: 'session_unknown',
  /** The stored credentials cannot be decrypted with the current secret key. */
  CredentialsUnreadable: 'credentials_unreadable',
  /** The provider has no REST client here. */
  UnsupportedProvider: 'unsupported_provider',
} as const;

/** One of {@link ProviderActionErrorCode}. */
export type ProviderActionErrorCode = (typeof ProviderActionErrorCode)[keyof typeof ProviderActionErrorCode];

/** A provider call for a run cannot even be attempted. Never retryable. */
export class ProviderActionError extends Vr3Error<ProviderActionErrorCode> {}

/** Codes of {@link JobQueueError}. */
export const JobQueueErrorCode = {
  /** `enqueue` after `close()`. */
  Closed: 'job_queue_closed',
  /** A second handler for the same job name. */
  DuplicateHandler: 'job_handler_exists',
  /** The queue backend (Redis) did not answer in time; the outbox keeps the job. */
  Unavailable: 'job_queue_unavailable',
  /** A job arrived for a name this replica has no handler for (it is retried). */
  NoHandler: 'job_handler_missing',
} as const;

/** One of {@link JobQueueErrorCode}. */
export type JobQueueErrorCode = (typeof JobQueueErrorCode)[keyof typeof JobQueueErrorCode];

/** Misuse of a `JobQueue`. */
export class JobQueueError extends Vr3Error<JobQueueErrorCode> {}

/** Codes of {@link RunEventsError}: the wire's {@link RunEventsRefusal}s, which the edge never re-sends. */
export const RunEventsErrorCode = RunEventsRefusal;

/** One of {@link RunEventsErrorCode}. */
export type RunEventsErrorCode = (typeof RunEventsErrorCode)[keyof typeof RunEventsErrorCode];

/** A `RunEvents` batch was refused; the edge gets `bus_remote_error` with this code as the cause. Never retryable. */
export class RunEventsError extends Vr3Error<RunEventsErrorCode> {}
