import {
  type ArgumentsHost,
  Catch,
  type ExceptionFilter,
  HttpException,
  HttpStatus,
  Logger,
} from '@nestjs/common';
import { isDatabaseUnavailable } from '@schoolyard/database';
import { type FastifyReply, type FastifyRequest } from 'fastify';
import { AppError, databaseUnavailable, errorBody } from './app-error';
import { rawRequestOf, requestIdOf } from './request-id';

const CODE_BY_STATUS: Record<number, string> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'ROUTE_NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  406: 'NOT_ACCEPTABLE',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  422: 'UNPROCESSABLE_ENTITY',
  429: 'TOO_MANY_REQUESTS',
  503: 'SERVICE_UNAVAILABLE',
};

interface Translated {
  status: number;
  code: string;
  message: string;
  details?: unknown;
  headers?: Record<string, string>;
}

/** Errors Fastify raises itself (body parsing, size limit, media type) carry a statusCode. */
function fastifyError(error: unknown): Translated | undefined {
  const candidate = error as { statusCode?: unknown; code?: unknown; message?: unknown };
  if (typeof candidate?.statusCode !== 'number' || typeof candidate.code !== 'string')
    return undefined;
  if (!candidate.code.startsWith('FST_')) return undefined;
  const status = candidate.statusCode;
  if (status >= 500) return undefined;
  const message =
    status === 413
      ? 'The request body is too large'
      : status === 415
        ? 'Unsupported content type: send application/json'
        : 'The request body could not be read: send valid JSON';
  return { status, code: CODE_BY_STATUS[status] ?? 'BAD_REQUEST', message };
}

/** Bodies that fail JSON.parse surface as SyntaxError with a 400 status. */
function bodyParseError(error: unknown): Translated | undefined {
  const candidate = error as { statusCode?: unknown };
  if (error instanceof SyntaxError && candidate.statusCode === 400) {
    return { status: 400, code: 'MALFORMED_JSON', message: 'The request body is not valid JSON' };
  }
  return undefined;
}

export function translateError(error: unknown): Translated {
  if (error instanceof AppError) {
    return {
      status: error.status,
      code: error.code,
      message: error.message,
      details: error.details,
      headers: error.headers,
    };
  }
  if (error instanceof HttpException) {
    const status = error.getStatus();
    const response = error.getResponse();
    const message =
      status === 404
        ? 'No such endpoint'
        : typeof response === 'object' && response !== null && 'message' in response
          ? String((response as { message: unknown }).message)
          : error.message;
    return {
      status,
      code: CODE_BY_STATUS[status] ?? (status >= 500 ? 'INTERNAL_ERROR' : 'ERROR'),
      message,
    };
  }
  const known = fastifyError(error) ?? bodyParseError(error);
  if (known) return known;
  if (isDatabaseUnavailable(error)) return translateError(databaseUnavailable());
  return {
    status: HttpStatus.INTERNAL_SERVER_ERROR,
    code: 'INTERNAL_ERROR',
    message: 'Something went wrong',
  };
}

/** Every 4xx and 5xx leaves in one shape: `{ error: { code, message, details? }, requestId }`. */
@Catch()
export class ErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    const translated = translateError(error);
    if (translated.status >= 500) {
      this.logger.error({ err: error, code: translated.code }, 'request failed');
    }
    const body = errorBody(translated, requestIdOf(rawRequestOf(request)));
    if (translated.status === 503) void reply.header('Retry-After', '1');
    for (const [name, value] of Object.entries(translated.headers ?? {}))
      void reply.header(name, value);
    void reply.status(translated.status).send(body);
  }
}
