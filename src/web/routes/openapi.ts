import type { FastifyDynamicSwaggerOptions } from '@fastify/swagger';
import type { FastifySwaggerUiOptions } from '@fastify/swagger-ui';
import { carepoolVersion } from '../../version.js';

const DESCRIPTION = [
  'Patients, medical records and appointments on every configured MySQL target, side by side.',
  'Errors are `{ "error": { code, message, hint, fields? } }`; a down or saturated target answers 503 with',
  'Retry-After. Authenticate with an API token (`carepool tokens create NAME`): press **Authorize** and paste',
  'it; it is sent as `Authorization: Bearer <token>`.',
].join(' ');

/**
 * The OpenAPI document's options: carepool's title and version, a `bearerAuth` scheme (so /docs has an
 * Authorize button), and that scheme required on every route whose access rule is not `public` (the same
 * rule the route-access plugin enforces, read from the route's `config.access`).
 */
export function openApiOptions(): FastifyDynamicSwaggerOptions {
  return {
    openapi: {
      info: { title: 'carepool API', version: carepoolVersion(), description: DESCRIPTION },
      tags: [
        { name: 'patients' },
        { name: 'medical records' },
        { name: 'appointments' },
        { name: 'targets' },
        { name: 'compare' },
        { name: 'ops' },
      ],
      components: {
        securitySchemes: {
          bearerAuth: {
            type: 'http',
            scheme: 'bearer',
            description: 'An API token from `carepool tokens create NAME`.',
          },
        },
      },
    },
    transform: ({ schema, url, route }) => {
      const access = (route.config as { access?: unknown } | undefined)?.access;
      const secured = typeof access === 'string' && access !== 'public';
      return { schema: secured ? { ...schema, security: [{ bearerAuth: [] }] } : schema, url };
    },
  };
}

const LOGO = `<svg xmlns="http://www.w3.org/2000/svg" width="190" height="36" viewBox="0 0 190 36"><text x="0" y="27" font-family="system-ui,Segoe UI,Roboto,Arial,sans-serif" font-size="26" font-weight="700" fill="#5eead4">✚<tspan fill="#ffffff" dx="6">carepool</tspan></text></svg>`;

const CSS = `.swagger-ui .topbar{background:#0b3b39}.swagger-ui .topbar .download-url-wrapper{display:none}
.swagger-ui .info .title{color:#0b3b39}`;

/** @fastify/swagger-ui options: the page at /docs with carepool's name, logo and colours, not Swagger's. */
export function swaggerUiOptions(): FastifySwaggerUiOptions {
  return {
    routePrefix: '/docs',
    logo: { type: 'image/svg+xml', content: Buffer.from(LOGO), href: '/', target: '_self' },
    theme: { title: 'carepool API', css: [{ filename: 'carepool.css', content: CSS }] },
    uiConfig: { persistAuthorization: false, docExpansion: 'list', deepLinking: true },
  };
}
