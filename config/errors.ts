/** Configuration errors, worded for the operator who set the environment. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}
