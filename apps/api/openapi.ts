import { type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { SECURITY_SCHEMES } from '@schoolyard/common';
import { type AppConfig } from '@schoolyard/config';
import { type DatabaseUrls } from '@schoolyard/database';
import { cookieName } from '@schoolyard/identity';
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

/**
 * The API's OpenAPI document, as served at /docs-json and published in docs/openapi.json.
 * The security schemes are registered here, once, under the names `@Route` gives every
 * signed-in operation (SECURITY_SCHEMES); an undeclared name makes the document invalid. The
 * error schema (ErrorView) comes with @Route's error responses.
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
      .addBearerAuth(
        {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description: 'The accessToken of a sign-in at the same school, for API clients.',
        },
        SECURITY_SCHEMES.bearer,
      )
      .addCookieAuth(
        cookieName('access', config),
        {
          type: 'apiKey',
          description:
            'The HttpOnly cookie a sign-in sets, for browsers; writes also need the X-CSRF-Token header.',
        },
        SECURITY_SCHEMES.cookie,
      )
      .build(),
  );
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
