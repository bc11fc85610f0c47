/** Raised when the environment is invalid; the message names the variable. */
export class ConfigError extends Error {
  readonly code = 'invalid_config';
}
