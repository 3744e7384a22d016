import { SluiceError } from './sluice-error.ts';

/**
 * A SQL template that cannot be rendered: missing variable, unknown `ref`, unknown macro, bad macro argument.
 * The message names the file, the name that failed and the names that were searched.
 */
export class SqlRenderError extends SluiceError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('E_SQL_RENDER', message, options);
    this.name = 'SqlRenderError';
  }
}
