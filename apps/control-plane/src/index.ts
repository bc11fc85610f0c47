export { createControlPlane, type ControlPlane, type ControlPlaneOptions } from './control-plane.ts';
export { productEngineCatalog } from './engines/product-catalog.ts';
export { DEFAULT_CONTROL_PLANE_CONFIG, type ControlPlaneConfig } from './config.ts';
export { createPrisma, type CreatePrismaOptions, type Db } from './db/prisma.ts';
export { migrateDatabase, MIGRATION_LOCK_KEY, type MigrateOptions, type MigrateResult } from './db/migrate.ts';
export { ensureBootstrap, DEFAULT_BOOTSTRAP_EMAIL, MIN_BOOTSTRAP_API_KEY_LENGTH, type BootstrapOptions, type BootstrapResult } from './db/bootstrap.ts';
export { SIGN_IN_ENV, signInSettings, type SignInSettings } from './app/sign-in-env.ts';
export { WEBHOOK_ENV, webhookSettings, type WebhookSettings } from './app/webhook-env.ts';
export { recordingsConfig } from './recordings/config.ts';
export { RecordingJob } from './recordings/retention.ts';
export { createOrganization, mintAdminKey, listOrganizations, type CreateOrganizationInput, type MintAdminKeyInput, type MintedAdminKey } from './operator/organizations.ts';
export { parseOperatorArgs, runOperatorCommand, OPERATOR_USAGE, type OperatorCommand } from './operator/cli.ts';
export { failActiveRuns, finalizeRun, type FailActiveRunsOptions, type FinalizeRunInput, type FinalizeRunResult } from './db/runs.ts';
export { parseSecretKey, sealSecret, openSecret, SECRET_KEY_BYTES } from './crypto/secrets.ts';
export { generateApiKey, hashApiKey, API_KEY_PREFIX } from './crypto/api-keys.ts';
export { createInProcessJobQueue, type JobQueue, type JobOptions, type JobContext, type JobHandler, type InProcessJobQueueOptions, type ScheduleOptions } from './jobs/queue.ts';
export { createDurableJobQueue, DURABLE_JOB_QUEUE_DEFAULTS, type DurableJobQueue, type DurableJobQueueOptions } from './jobs/durable-queue.ts';
export { createControlPlaneMetrics, instrumentBus, instrumentProviderClients, metricsHandler, registerStateGauges, subjectLabel, type ControlPlaneMetrics } from './metrics.ts';
export { RunJob, type EdgeLiveness } from './jobs/reaper.ts';
export { createBullJobQueue, BULL_JOB_QUEUE_DEFAULTS, type BullJobQueue, type BullJobQueueOptions, type JobQueueDepths } from './jobs/bullmq.ts';
export { ProviderActionJob } from './jobs/provider-actions.ts';
export { serviceRoot, serviceInfo, PRODUCT_VERSION, NOT_FOUND_BODY, type ServiceName } from './http/root.ts';
export { defaultProviderClients, type ProviderClientFactory, type ProviderClientOptions } from './providers/registry.ts';
export {
  API_ERRORS,
  ApiError,
  BootstrapError,
  BootstrapErrorCode,
  JobQueueError,
  JobQueueErrorCode,
  MigrationError,
  MigrationErrorCode,
  OperatorError,
  OperatorErrorCode,
  ProviderActionError,
  ProviderActionErrorCode,
  RunEventsError,
  RunEventsErrorCode,
  SecretError,
  SecretErrorCode,
  type ApiErrorCode,
} from './errors.ts';
