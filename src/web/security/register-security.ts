/**
 * Access control for the dashboard and its API (docs/adr/0015-dashboard-security.md):
 * - no token configured (loopback only, enforced at start): everything is open, but a state-changing request
 *   sent by a browser from another origin is refused (a web page cannot drive the local API);
 * - with SLUICE_WEB_TOKEN: every route but /healthz, /login and static assets needs `Authorization: Bearer
 *   <token>` or the HttpOnly session cookie set by the login form; pages redirect to /login, the API says 401;
 * - a cookie session must send a CSRF token (`x-csrf-token` header or `_csrf` form field) with every
 *   POST/PUT/PATCH/DELETE; bull-board's own UI (which cannot send our token) is held to a same-origin check.
 */
import fastifyCookie from '@fastify/cookie';
import fastifyCsrf from '@fastify/csrf-protection';
import fastifyFormbody from '@fastify/formbody';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { Clock } from '../../ports/clock.ts';
import {
  deriveKey,
  issueSession,
  SESSION_COOKIE,
  SESSION_MAX_AGE_SECONDS,
  tokenMatches,
  verifySession,
} from './session-cookie.ts';

/** How a request was let in. */
export type AuthKind = 'open' | 'bearer' | 'cookie' | 'public';

declare module 'fastify' {
  interface FastifyRequest {
    /** How this request was authenticated (set by the security hooks). */
    sluiceAuth: AuthKind | null;
    /** Session id of a cookie session (binds its CSRF tokens). */
    sluiceSession: string | null;
  }
}

export interface SecurityOptions {
  /** SLUICE_WEB_TOKEN; undefined = open (loopback only). */
  readonly token: string | undefined;
  readonly clock: Pick<Clock, 'now'>;
  /** Renders the login page (HTML). */
  readonly renderLogin: (view: { error?: string; next: string }) => string;
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const PUBLIC_PREFIXES = ['/ui/assets/'];
const PUBLIC_PATHS = new Set(['/healthz', '/login', '/favicon.ico']);

/** The path of a request URL without its query string. */
function pathOf(request: FastifyRequest): string {
  return request.url.split('?')[0]!;
}

/** True when the browser says the request comes from a page of another origin. */
export function isCrossOrigin(request: FastifyRequest): boolean {
  const site = request.headers['sec-fetch-site'];
  if (site === 'cross-site' || site === 'same-site') return true;
  const origin = request.headers.origin;
  if (!origin) return false;
  try {
    const from = new URL(origin);
    // Normalised the same way, so `localhost:80` and `http://localhost` compare equal.
    return from.host !== new URL(`${from.protocol}//${request.headers.host ?? ''}`).host;
  } catch {
    return true;
  }
}

/** A safe place to go back to after login: a local path, never another site. */
export function safeNext(next: unknown): string {
  return typeof next === 'string' && /^\/(?![/\\])[\x20-\x7e]*$/.test(next) && next.length < 500 ? next : '/';
}

function wantsHtml(request: FastifyRequest): boolean {
  const path = pathOf(request);
  if (path.startsWith('/api/') || path === '/metrics' || path.startsWith('/queues/api')) return false;
  return request.method === 'GET' && (request.headers.accept ?? '').includes('text/html');
}

function deny(request: FastifyRequest, reply: FastifyReply, status: 401 | 403, message: string) {
  if (status === 401 && wantsHtml(request))
    return reply.redirect(`/login?next=${encodeURIComponent(safeNext(request.url))}`, 303);
  return reply
    .code(status)
    .send({ error: { code: status === 401 ? 'E_UNAUTHORIZED' : 'E_FORBIDDEN', message } });
}

async function security(app: FastifyInstance, options: SecurityOptions): Promise<void> {
  if (!app.hasRequestDecorator('cookies')) await app.register(fastifyCookie);
  if (!app.hasContentTypeParser('application/x-www-form-urlencoded')) await app.register(fastifyFormbody);
  app.decorateRequest('sluiceAuth', null);
  app.decorateRequest('sluiceSession', null);

  const { token, clock } = options;
  if (!token) {
    app.addHook('onRequest', async (request, reply) => {
      request.sluiceAuth = 'open';
      if (UNSAFE.has(request.method) && isCrossOrigin(request))
        return deny(
          request,
          reply,
          403,
          'cross-origin request refused; use the API from the same origin or a client',
        );
    });
    return;
  }

  const sessionKey = deriveKey(token, 'session');
  await app.register(fastifyCsrf, {
    sessionPlugin: '@fastify/cookie',
    cookieKey: 'sluice_csrf',
    cookieOpts: { path: '/', sameSite: 'strict', httpOnly: true },
    getUserInfo: (request: FastifyRequest) => request.sluiceSession ?? '',
    getToken: (request: FastifyRequest) =>
      (request.headers['x-csrf-token'] as string | undefined) ??
      ((request.body as Record<string, unknown> | undefined)?._csrf as string | undefined),
    csrfOpts: { hmacKey: deriveKey(token, 'csrf') },
  });

  app.addHook('onRequest', async (request, reply) => {
    const path = pathOf(request);
    if (PUBLIC_PATHS.has(path) || PUBLIC_PREFIXES.some((p) => path.startsWith(p))) {
      request.sluiceAuth = 'public';
      return;
    }
    const header = request.headers.authorization;
    if (header !== undefined) {
      const m = /^Bearer\s+(\S+)$/i.exec(header);
      if (!m || !tokenMatches(m[1]!, token)) return deny(request, reply, 401, 'invalid bearer token');
      request.sluiceAuth = 'bearer';
      return;
    }
    const session = verifySession(sessionKey, request.cookies[SESSION_COOKIE], clock.now());
    if (!session)
      return deny(
        request,
        reply,
        401,
        'authentication required: send Authorization: Bearer <SLUICE_WEB_TOKEN>',
      );
    request.sluiceAuth = 'cookie';
    request.sluiceSession = session;
  });

  // After the body is parsed, so a form's `_csrf` field counts.
  app.addHook('preHandler', (request, reply, done) => {
    if (request.sluiceAuth !== 'cookie' || !UNSAFE.has(request.method)) return done();
    if (pathOf(request).startsWith('/queues/')) {
      if (isCrossOrigin(request)) return void deny(request, reply, 403, 'cross-origin request refused');
      return done();
    }
    app.csrfProtection(request, reply, done);
  });

  app.get(
    '/login',
    { schema: { tags: ['auth'], summary: 'The login form (HTML)' } },
    async (request, reply) => {
      const next = safeNext((request.query as Record<string, unknown>).next);
      return reply.type('text/html; charset=utf-8').send(options.renderLogin({ next }));
    },
  );

  app.post(
    '/login',
    { schema: { tags: ['auth'], summary: 'Exchange the token (form field `token`) for a session cookie' } },
    async (request, reply) => {
      const body = (request.body ?? {}) as Record<string, unknown>;
      const next = safeNext(body.next);
      if (UNSAFE.has(request.method) && isCrossOrigin(request))
        return deny(request, reply, 403, 'cross-origin login refused');
      if (typeof body.token !== 'string' || !tokenMatches(body.token, token))
        return reply
          .code(401)
          .type('text/html; charset=utf-8')
          .send(options.renderLogin({ next, error: 'That token is not right.' }));
      const session = issueSession(sessionKey, clock.now());
      return reply
        .setCookie(SESSION_COOKIE, session.value, {
          path: '/',
          httpOnly: true,
          sameSite: 'strict',
          secure: request.protocol === 'https',
          maxAge: SESSION_MAX_AGE_SECONDS,
        })
        .redirect(next, 303);
    },
  );

  app.post(
    '/logout',
    { schema: { tags: ['auth'], summary: 'End the cookie session' } },
    async (_request, reply) =>
      reply
        .clearCookie(SESSION_COOKIE, { path: '/' })
        .clearCookie('sluice_csrf', { path: '/' })
        .redirect('/login', 303),
  );
}

/**
 * The security plugin; hooks apply to the context that registers it (the dashboard's).
 *
 * @example await app.register(registerSecurity, { token: config.web.token, clock, renderLogin })
 */
export const registerSecurity = fp(security, { name: 'sluice-security', fastify: '5.x' });

/** The CSRF token a page embeds for its fetch() calls (cookie sessions only). */
export function csrfTokenFor(request: FastifyRequest, reply: FastifyReply): string | null {
  if (request.sluiceAuth !== 'cookie' || !request.sluiceSession) return null;
  return reply.generateCsrf({ userInfo: request.sluiceSession });
}
