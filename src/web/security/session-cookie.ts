/**
 * The login session cookie: `<session id>.<issued at ms>.<HMAC>` keyed by a key derived from SLUICE_WEB_TOKEN,
 * so the token itself never sits in the browser and rotating the token ends every session. Stateless: any
 * process that knows the token can check it.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const SESSION_COOKIE = 'sluice_session';
/** Sessions last 12 hours. */
export const SESSION_MAX_AGE_SECONDS = 12 * 3600;

/** Keys derived from the token, one per purpose, so the token itself is never used as a key. */
export function deriveKey(token: string, purpose: 'session' | 'csrf'): Buffer {
  return createHmac('sha256', token).update(`sluice-web-${purpose}-v1`).digest();
}

/**
 * Constant-time comparison of a presented token with the configured one.
 *
 * @example tokenMatches(header.slice(7), config.web.token)
 */
export function tokenMatches(presented: string, expected: string): boolean {
  const a = createHash('sha256').update(presented).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

/** A new signed session value. */
export function issueSession(key: Buffer, now: Date): { value: string; sessionId: string } {
  const sessionId = randomBytes(16).toString('base64url');
  const body = `${sessionId}.${now.getTime()}`;
  return { value: `${body}.${sign(key, body)}`, sessionId };
}

/**
 * The session id of a valid, unexpired cookie value, else undefined.
 *
 * @example verifySession(key, request.cookies.sluice_session, new Date())
 */
export function verifySession(key: Buffer, value: string | undefined, now: Date): string | undefined {
  if (!value || value.length > 200) return undefined;
  const parts = value.split('.');
  if (parts.length !== 3) return undefined;
  const [sessionId, issued, mac] = parts as [string, string, string];
  const expected = Buffer.from(sign(key, `${sessionId}.${issued}`));
  const given = Buffer.from(mac);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  const issuedAt = Number(issued);
  if (!Number.isSafeInteger(issuedAt)) return undefined;
  const age = now.getTime() - issuedAt;
  if (age < -60_000 || age > SESSION_MAX_AGE_SECONDS * 1000) return undefined;
  return sessionId;
}

function sign(key: Buffer, body: string): string {
  return createHmac('sha256', key).update(body).digest('base64url');
}
