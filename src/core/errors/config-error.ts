import { SluiceError } from './sluice-error.ts';

/** Configuration that cannot be used; the message names the key and where it came from. */
export class ConfigError extends SluiceError {
  constructor(message: string) {
    super('E_CONFIG', message);
    this.name = 'ConfigError';
  }
}
