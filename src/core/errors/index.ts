export { ConfigError } from './config-error.ts';
export { NonRetryableError } from './non-retryable-error.ts';
export { hasCode, SluiceError } from './sluice-error.ts';
