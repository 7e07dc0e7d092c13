import { type IncomingMessage } from 'node:http';
import { type FastifyError, type FastifyReply, type FastifyRequest } from 'fastify';
import fastifyCookie from '@fastify/cookie';
import fastifyMultipart from '@fastify/multipart';
import { HttpStatus } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { SwaggerModule } from '@nestjs/swagger';
import {
  AppError,
  badAddress,
  createValidationPipe,
  errorBody,
  requestIdOf,
  type SchoolyardStore,
} from '@schoolyard/common';
import { type AppConfig } from '@schoolyard/config';
import { type DatabaseUrls } from '@schoolyard/database';
import { ClsService } from 'nestjs-cls';
import { type DestinationStream } from 'pino';
import { AppModule, type AppModuleOptions } from './app.module';
import { createLogger, PinoNestLogger, registerRequestLog } from './logging';
import { describeApi } from './openapi';
import { registerRequestMetrics } from './metrics/request-metrics';
import { Metrics } from '@schoolyard/metrics';
import { corsOptions, registerSecurityHeaders, restrictDocs } from './http-security';
import { FastRefusals } from '@schoolyard/rate-limits';
import { SchoolDirectory, TenantTransactionBinding } from '@schoolyard/tenancy';

/** Request bodies above this are refused with 413 before any work is done. */
export const BODY_LIMIT_BYTES = 1024 * 1024;

/** Routes that take multipart/form-data. */
const MULTIPART_ROUTES = new Set(['/api/imports']);

const unsupportedMultipart = () =>
  new AppError(
    HttpStatus.UNSUPPORTED_MEDIA_TYPE,
    'UNSUPPORTED_MEDIA_TYPE',
    'Unsupported content type: send application/json',
  );

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
    // `/api/students/` is `/api/students`: a slash a client or a proxy appends is no reason
    // for a 404. Checks on paths elsewhere match prefixes, which the slash does not change.
    routerOptions: { ignoreTrailingSlash: true },
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
  if (config.metrics.port !== undefined) registerRequestMetrics(fastify, app.get(Metrics));
  // The request's context (school, caller, transaction) lives in nestjs-cls's
  // AsyncLocalStorage, entered as the last step before the route's handler runs, after the
  // body is read: everything Nest does for the request (guards, pipes, the handler, the
  // error filter) runs inside it.
  const cls: ClsService<SchoolyardStore> = app.get(ClsService);
  fastify.addHook('preHandler', (request, _reply, done) =>
    cls.run(() => {
      // Jobs sent from here carry it (libs/jobs), so their logs name the request behind them.
      const store = cls.get();
      store.requestId = String(request.id);
      // Fastify's request.ip honours TRUST_PROXY: the audit trail records the real client.
      store.clientAddress = request.ip;
      done();
    }),
  );
  registerSecurityHeaders(fastify, config);
  restrictDocs(fastify, config);
  app.get(FastRefusals).attach(fastify);
  app.enableCors(corsOptions(config, app.get(SchoolDirectory)));
  await app.register(fastifyCookie);
  // Multipart is for uploads (POST /api/imports, whose handler reads the parts as a stream):
  // its own size limit, IMPORT_MAX_BYTES, apart from the JSON body limit. Any other route
  // keeps refusing it as it refused every non-JSON body.
  await app.register(fastifyMultipart, {
    limits: { fileSize: config.importMaxBytes, files: 1, fields: 4, parts: 5, fieldSize: 1024 },
  });
  fastify.addHook('preValidation', async (request, reply) => {
    if (request.isMultipart() && !MULTIPART_ROUTES.has(request.routeOptions.url ?? '')) {
      await reply.code(415).send(errorBody(unsupportedMultipart(), String(request.id)));
    }
  });
  app.useGlobalPipes(createValidationPipe());
  const document = describeApi(app, config);
  if (config.apiDocs !== 'off') {
    SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
  }
  // Before init() registers the routes: school-scoped handlers run in their school's transaction.
  app.get(TenantTransactionBinding).bindHandlers();
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return app;
}
