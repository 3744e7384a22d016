/**
 * Turns any error into one clear line on stderr and an exit code: 2 for bad input or configuration
 * (something the user can fix), 1 for everything else. Set SLUICE_DEBUG=1 for the stack.
 */
import { hasCode } from '../core/errors/sluice-error.ts';

const USER_ERROR_CODES = new Set([
  'E_BAD_OBJECT_NAME',
  'E_OBJECT_NOT_FOUND',
  'E_CONFIG',
  'E_USAGE',
  'E_NOT_FOUND',
  'E_DAG_INVALID',
  'E_SQL_RENDER',
]);

export function reportError(error: unknown): number {
  const err = error instanceof Error ? error : new Error(String(error));
  process.stderr.write(`sluice: ${err.message}\n`);
  if (process.env.SLUICE_DEBUG) process.stderr.write(`${err.stack}\n`);
  const code = (err as { code?: string }).code;
  return code && USER_ERROR_CODES.has(code) ? 2 : hasCode(err, 'E_RUN_FAILED') ? 1 : 1;
}
