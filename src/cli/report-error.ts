/**
 * Turns any error into one clear line on stderr and an exit code: 2 for bad input or configuration
 * (something the user can fix: an unknown DAG, a bad date, a run that already exists), 1 for everything
 * else. Set SLUICE_DEBUG=1 for the stack.
 */

const USER_ERROR_CODES = new Set([
  'E_CONFIG',
  'E_USAGE',
  'E_NOT_FOUND',
  'E_DAG_INVALID',
  'E_SQL_RENDER',
  'E_CONFLICT',
  'E_INVALID_DURATION',
  'E_METADATA_LOCKED',
  'E_UNAUTHORIZED',
]);

/** Print the error as one line and return the exit code. */
export function reportError(error: unknown): number {
  const err = error instanceof Error ? error : new Error(String(error));
  const firstLine = err.message.split('\n')[0] ?? err.message;
  const more = err.message.includes('\n')
    ? ` (+${err.message.split('\n').length - 1} more lines with SLUICE_DEBUG=1)`
    : '';
  process.stderr.write(`sluice: ${firstLine}${more}\n`);
  if (process.env.SLUICE_DEBUG) process.stderr.write(`${err.stack}\n`);
  const code = (err as { code?: string }).code;
  return code && USER_ERROR_CODES.has(code) ? 2 : 1;
}
