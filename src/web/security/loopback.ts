/**
 * Which bind addresses stay on this machine, and the rule that the web server never listens beyond loopback
 * without a token.
 */
import { isIP } from 'node:net';
import { InsecureBindError } from '../../core/errors/insecure-bind-error.ts';

/**
 * True for `localhost`, 127.0.0.0/8, `::1` and their IPv4-mapped form.
 *
 * @example isLoopbackHost('127.0.0.1') // true; isLoopbackHost('0.0.0.0') // false
 */
export function isLoopbackHost(host: string): boolean {
  const h = host
    .trim()
    .toLowerCase()
    .replace(/^\[|\]$/g, '');
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  const v4 = h.startsWith('::ffff:') ? h.slice(7) : h;
  if (isIP(v4) === 4) return v4.split('.')[0] === '127';
  if (isIP(h) === 6) return /^(0{0,4}:){7}0{0,3}1$|^::1$/.test(h);
  return false;
}

/**
 * Throw unless the server may listen on `host`: any address with a token, only loopback without one.
 *
 * @example assertSafeBinding(config.web.host, config.web.token)
 */
export function assertSafeBinding(host: string, token: string | undefined): void {
  if (token) return;
  if (!isLoopbackHost(host))
    throw new InsecureBindError(
      `refusing to listen on ${host} without a token: set SLUICE_WEB_TOKEN (8+ characters), or bind 127.0.0.1 (SLUICE_WEB_HOST)`,
    );
}
