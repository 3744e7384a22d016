import type { Logger } from '../../src/ports/logger.ts';

/** A logger that drops everything (set SLUICE_TEST_LOGS=1 to see the lines). */
export const silentLogger: Logger = {
  debug: (m, f) => print('debug', m, f),
  info: (m, f) => print('info', m, f),
  warn: (m, f) => print('warn', m, f),
  error: (m, f) => print('error', m, f),
  child: () => silentLogger,
};

function print(level: string, message: string, fields?: Record<string, unknown>) {
  if (process.env.SLUICE_TEST_LOGS) console.log(level, message, fields ? JSON.stringify(fields) : '');
}
