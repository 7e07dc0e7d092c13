import { type IncomingMessage } from 'node:http';
import { type FastifyError, type FastifyReply, type FastifyRequest } from 'fastify';
import fastifyCookie from '@fastify/cookie';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { badAddress, createValidationPipe, errorBody, requestIdOf } from '@schoolyard/common';
import { type AppConfig } from '@schoolyard/config';
import { type DatabaseUrls } from '@schoolyard/database';
import { Logger } from 'nestjs-pino';
import { AppModule, type AppModuleOptions } from './app.module';
import { corsOptions, registerSecurityHeaders, restrictDocs } from './http-security';
import { FastRefusals } from '@schoolyard/rate-limits';
import { SchoolDirectory } from '@schoolyard/tenancy';

/** Request bodies above this are refused with 413 before any work is done. */
export const BODY_LIMIT_BYTES = 1024 * 1024;

/** Builds the HTTP application (used by main.ts, the tests and the benchmarks). */
export async function createHttpApp(
  config: AppConfig,
  urls: DatabaseUrls,
  options: AppModuleOptions = {},
): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
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
    AppModule.forRoot(config, urls, options),
    adapter,
    { bufferLogs: true, abortOnError: false },
  );
  app.useLogger(app.get(Logger));
  registerSecurityHeaders(app.getHttpAdapter().getInstance(), config);
  restrictDocs(app.getHttpAdapter().getInstance(), config);
  app.get(FastRefusals).attach(app.getHttpAdapter().getInstance());
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
      .build(),
  );
  if (config.apiDocs !== 'off') {
    SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
  }
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return app;
}
