import { SluiceError } from './sluice-error.ts';

/** The web server was asked to listen beyond loopback without `SLUICE_WEB_TOKEN`; it refuses to start. */
export class InsecureBindError extends SluiceError {
  constructor(message: string) {
    super('E_WEB_INSECURE_BIND', message);
    this.name = 'InsecureBindError';
  }
}
