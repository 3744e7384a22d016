/**
 * Base of every error Sluice raises on purpose. Errors cross process boundaries (BullMQ, the HTTP API), so
 * callers match on the stable `code`, never on `instanceof`.
 *
 * @example throw new SluiceError('E_EXAMPLE', 'what went wrong, with which input, and what to do')
 */
export class SluiceError extends Error {
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = 'SluiceError';
  }
}

/** True when `error` carries the given Sluice error code (works across processes and serialization). */
export function hasCode(error: unknown, code: string): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === code;
}
