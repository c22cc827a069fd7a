import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import helmet, { type HelmetOptions } from 'helmet';

/** helmet's options for carepool's pages (no inline script or style anywhere). */
function options(https: boolean): HelmetOptions {
  return {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        ...(https ? { upgradeInsecureRequests: [] } : {}),
      },
    },
    strictTransportSecurity: https ? { maxAge: 31_536_000, includeSubDomains: true } : false,
    referrerPolicy: { policy: 'same-origin' },
    xFrameOptions: { action: 'deny' },
  };
}

/**
 * The headers helmet sets for these options, computed once: they depend on nothing in the request.
 * (@fastify/helmet calls `helmet(options)` again on every request, re-parsing the policy each time, which
 * was the largest single cost the security layer added to a read: helmetjs/helmet#430.)
 */
export function securityHeaders(https: boolean): Readonly<Record<string, string>> {
  const headers: Record<string, string> = {};
  const res = {
    setHeader(name: string, value: string | number | readonly string[]) {
      headers[name.toLowerCase()] = String(value);
    },
    removeHeader(name: string) {
      delete headers[name.toLowerCase()];
    },
  };
  helmet(options(https))({} as IncomingMessage, res as unknown as ServerResponse, (error?: unknown) => {
    if (error) throw error;
  });
  return headers;
}

/**
 * Security headers on every response (helmet's values): a Content-Security-Policy that allows only this
 * origin's scripts, styles and images, no framing (`frame-ancestors 'none'`), `nosniff`, no referrer to
 * other sites (URLs hold patient ids; `same-origin` rather than `no-referrer`, under which browsers send
 * `Origin: null` on their own form posts), and HSTS when served over HTTPS. Responses that do not set their
 * own caching get `Cache-Control: no-store`, so patient data never stays in a browser or proxy cache and the
 * back button after signing out shows nothing.
 */
export function registerSecurityHeaders(app: FastifyInstance, https: boolean): void {
  const headers = { ...securityHeaders(https), 'cache-control': 'no-store' };
  // Callback style, not async: every response passes here and nothing is awaited.
  app.addHook('onRequest', (_request, reply, done) => {
    reply.headers(headers);
    done();
  });
}
