import { type IncomingMessage } from 'node:http';
import { type FastifyError, type FastifyReply, type FastifyRequest } from 'fastify';
import fastifyCookie from '@fastify/cookie';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import {
  badAddress,
  createValidationPipe,
  errorBody,
  requestIdOf,
  SECURITY_SCHEMES,
} from '@schoolyard/common';
import { type AppConfig } from '@schoolyard/config';
import { type DatabaseUrls } from '@schoolyard/database';
import { cookieName } from '@schoolyard/identity';
import { ClsService } from 'nestjs-cls';
import { type DestinationStream } from 'pino';
import { AppModule, type AppModuleOptions } from './app.module';
import { createLogger, PinoNestLogger, registerRequestLog } from './logging';
import { corsOptions, registerSecurityHeaders, restrictDocs } from './http-security';
import { FastRefusals } from '@schoolyard/rate-limits';
import { SchoolDirectory, TenantTransactionBinding } from '@schoolyard/tenancy';

/** Request bodies above this are refused with 413 before any work is done. */
export const BODY_LIMIT_BYTES = 1024 * 1024;

export interface HttpAppOptions extends AppModuleOptions {
  /** Where logs go; standard output unless a test wants to read them. */
  logStream?: DestinationStream;
}

/** Builds the HTTP application (used by main.ts, the tests and the benchmarks). */
export async function createHttpApp(
  config: AppConfig,
  urls: DatabaseUrls,
  options: HttpAppOptions = {},
): Promise<NestFastifyApplication> {
  const logger = createLogger(config, options.logStream);
  const adapter = new FastifyAdapter({
    // No Nest middleware is used (request context and logging are Fastify hooks), so the
    // middie layer it would run on every request is left out.
    skipMiddie: true,
    trustProxy: config.trustProxy,
    bodyLimit: BODY_LIMIT_BYTES,
    genReqId: (req: IncomingMessage) => requestIdOf(req),
    // Errors Fastify's router raises before Nest sees the request (an id over 100
    // characters, a malformed URL) get the shared error shape too.
    frameworkErrors: (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
      const refused = badAddress(error.statusCode);
      void reply.code(refused.status).send(errorBody(refused, String(request.id)));
    },
  });
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.forRoot(config, urls, {
      controllers: options.controllers,
      providers: options.providers,
    }),
    adapter,
    { logger: new PinoNestLogger(logger), abortOnError: false },
  );
  const fastify = app.getHttpAdapter().getInstance();
  registerRequestLog(fastify, logger);
  // The request's context (school, caller, transaction) lives in nestjs-cls's
  // AsyncLocalStorage, entered as the last step before the route's handler runs, after the
  // body is read: everything Nest does for the request (guards, pipes, the handler, the
  // error filter) runs inside it.
  const cls = app.get(ClsService);
  fastify.addHook('preHandler', (_request, _reply, done) => cls.run(() => done()));
  registerSecurityHeaders(fastify, config);
  restrictDocs(fastify, config);
  app.get(FastRefusals).attach(fastify);
  app.enableCors(corsOptions(config, app.get(SchoolDirectory)));
  await app.register(fastifyCookie);
  app.useGlobalPipes(createValidationPipe());
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Schoolyard')
      .setDescription(
        "One deployment, many schools. Platform endpoints are served at BASE_DOMAIN; school endpoints at the school's own host (<subdomain>.BASE_DOMAIN).",
      )
      .setVersion('0.1.0')
      // What @Route names on every signed-in operation: "Authorize" in /docs fills either.
      .addBearerAuth(
        { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
        SECURITY_SCHEMES.bearer,
      )
      .addCookieAuth(
        cookieName('access', config),
        { type: 'apiKey', in: 'cookie' },
        SECURITY_SCHEMES.cookie,
      )
      .build(),
  );
  if (config.apiDocs !== 'off') {
    SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
  }
  // Before init() registers the routes: school-scoped handlers run in their school's transaction.
  app.get(TenantTransactionBinding).bindHandlers();
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return app;
}
