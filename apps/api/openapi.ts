import { type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import {
  DocumentBuilder,
  type OpenAPIObject,
  type SchemaObject,
  SwaggerModule,
} from '@nestjs/swagger';
import { type AppConfig } from '@schoolyard/config';
import { type DatabaseUrls } from '@schoolyard/database';
// Not part of the identity library's public face; the document only needs the cookie's name.
import { ACCESS_COOKIE, cookieName } from '../../libs/identity/auth/auth.cookies';
import { AppModule } from './app.module';

/** Where `npm run openapi` writes the document, relative to the repository's root. */
export const OPENAPI_FILE = 'docs/openapi.json';

/**
 * The environment the published document is built with, whatever the developer's shell
 * holds: the file must not change with a local COOKIE_SECURE or NODE_ENV. Development
 * settings name the cookie as a local server sets it (`sy_access`, no `__Host-` prefix).
 */
export const DOCUMENT_ENV: Readonly<Record<string, string>> = {
  NODE_ENV: 'development',
  JWT_SECRET: 'openapi-document-openapi-document-0123',
};

/** Component name of the one error shape every 4xx and 5xx answer has (see ErrorFilter). */
export const ERROR_SCHEMA = 'ErrorResponse';

const ERROR_RESPONSE: SchemaObject = {
  type: 'object',
  description: 'Every 4xx and 5xx answer has this shape.',
  required: ['error', 'requestId'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: {
          type: 'string',
          description: 'Stable and machine-readable: clients branch on it, not on the message.',
          example: 'SUBDOMAIN_TAKEN',
        },
        message: { type: 'string', description: 'For people; its wording may change.' },
        details: { description: 'Extra facts some codes carry (which fields were invalid, …).' },
      },
    },
    requestId: {
      type: 'string',
      description: 'The X-Request-Id of the request: quote it when reporting a problem.',
    },
  },
};

/**
 * The API's OpenAPI document, as served at /docs-json and published in docs/openapi.json.
 * The security schemes are registered here, once, so that every controller can name them
 * (`@ApiBearerAuth()`, `@ApiCookieAuth(ACCESS_COOKIE)`); an undeclared name makes the
 * document invalid.
 */
export function describeApi(app: INestApplication, config: AppConfig): OpenAPIObject {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Schoolyard')
      .setDescription(
        "One deployment, many schools. Platform endpoints are served at BASE_DOMAIN; school endpoints at the school's own host (<subdomain>.BASE_DOMAIN).",
      )
      .setVersion('0.1.0')
      .addBearerAuth({
        type: 'http',
        description: 'The accessToken of a sign-in at the same school, for API clients.',
      })
      .addCookieAuth(
        cookieName('access', config),
        {
          type: 'apiKey',
          description:
            'The HttpOnly cookie a sign-in sets, for browsers; writes also need the X-CSRF-Token header.',
        },
        ACCESS_COOKIE,
      )
      .build(),
  );
  const schemas = (document.components ??= {}).schemas ?? {};
  // A definition the controllers bring under the same name (a DTO class) takes precedence.
  document.components.schemas = { [ERROR_SCHEMA]: ERROR_RESPONSE, ...schemas };
  return document;
}

/**
 * The same document without a database: Nest's preview mode builds the module graph and
 * reads the controllers' metadata but instantiates no provider, so nothing connects. The
 * URLs are never dialled.
 */
export async function describeApiOffline(config: AppConfig): Promise<OpenAPIObject> {
  const nowhere = 'postgres://offline@127.0.0.1:1/offline';
  const urls: DatabaseUrls = {
    ownerUrl: nowhere,
    requestsUrl: nowhere,
    apiRole: 'offline',
    platformRole: 'offline',
    databaseTag: 'offline',
  };
  const app = await NestFactory.create(AppModule.forRoot(config, urls), new FastifyAdapter(), {
    preview: true,
    logger: false,
    abortOnError: false,
  });
  try {
    return describeApi(app, config);
  } finally {
    await app.close();
  }
}

/** Keys of the document's root in the order readers expect; everything below is sorted. */
const ROOT_ORDER = ['openapi', 'info', 'servers', 'tags', 'security', 'paths', 'components'];

function sortedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortedKeys);
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, item]) => item !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return Object.fromEntries(entries.map(([key, item]) => [key, sortedKeys(item)]));
}

/**
 * The published text: keys sorted, so a change of import order in the app never shows up
 * as a diff, and two-space indentation with a final newline.
 */
export function serializeOpenApi(document: OpenAPIObject): string {
  const sorted = sortedKeys(document) as Record<string, unknown>;
  const rank = (key: string) => {
    const index = ROOT_ORDER.indexOf(key);
    return index === -1 ? ROOT_ORDER.length : index;
  };
  const root = Object.fromEntries(
    Object.entries(sorted).sort(([a], [b]) => rank(a) - rank(b) || (a < b ? -1 : 1)),
  );
  return `${JSON.stringify(root, null, 2)}\n`;
}
