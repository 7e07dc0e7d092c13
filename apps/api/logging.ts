import { type LoggerService } from '@nestjs/common';
import { type AppConfig } from '@schoolyard/config';
import { type FastifyInstance } from 'fastify';
import { type DestinationStream, type Level, type Logger, pino } from 'pino';
import { prettyLogStream, REQUEST_COMPLETED, wantsPrettyLogs } from './pretty-logs';

/**
 * The process's one logger; tests hand in a stream to read what was written. Standard
 * output gets JSON, or readable lines when a person watches it in development (pretty-logs.ts).
 */
export function createLogger(config: AppConfig, stream?: DestinationStream): Logger {
  const destination =
    stream ??
    (wantsPrettyLogs(config, process.stdout.isTTY) ? prettyLogStream() : pino.destination(1));
  return pino(
    {
      level: config.logLevel,
      // Nothing we log carries credentials; should an error object ever hold request headers,
      // these never reach the output.
      redact: {
        paths: [
          'req.headers.authorization',
          'req.headers.cookie',
          'req.headers["x-device-token"]',
          'res.headers["set-cookie"]',
        ],
        remove: true,
      },
    },
    destination,
  );
}

/**
 * One line per answered request, written from Fastify's onResponse hook with fields read
 * when the line is written. Below `info` the hook is not installed at all: a request costs
 * nothing for a log that writes nothing (pino-http made a child logger per request, and
 * Nest's middleware layer around it, even at `warn`).
 */
export function registerRequestLog(fastify: FastifyInstance, logger: Logger): void {
  if (!logger.isLevelEnabled('info')) return;
  fastify.addHook('onResponse', (request, reply, done) => {
    // Probes are not requests anyone reads; the router answers `/health/` too.
    if (request.url !== '/health' && request.url !== '/health/') {
      const statusCode = reply.statusCode;
      logger[statusCode >= 500 ? 'error' : 'info'](
        {
          reqId: request.id,
          school: (request.raw as { schoolSlug?: string }).schoolSlug,
          method: request.method,
          url: request.url,
          statusCode,
          responseTimeMs: Math.round(reply.elapsedTime * 10) / 10,
        },
        REQUEST_COMPLETED,
      );
    }
    done();
  });
}

/** Nest's own messages (start-up, `new Logger(...)` in services) through the same pino logger. */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}

  log(message: unknown, ...rest: unknown[]): void {
    this.write('info', message, rest);
  }
  error(message: unknown, ...rest: unknown[]): void {
    this.write('error', message, rest);
  }
  warn(message: unknown, ...rest: unknown[]): void {
    this.write('warn', message, rest);
  }
  debug(message: unknown, ...rest: unknown[]): void {
    this.write('debug', message, rest);
  }
  verbose(message: unknown, ...rest: unknown[]): void {
    this.write('trace', message, rest);
  }
  fatal(message: unknown, ...rest: unknown[]): void {
    this.write('fatal', message, rest);
  }

  /**
   * Nest appends the logger's context (`new Logger('Errors')`) as the last argument; an
   * object first is merged into the line (`logger.error({ err }, 'request failed')`), and
   * `error(message, stack)` keeps the stack.
   */
  private write(level: Level, message: unknown, rest: unknown[]): void {
    if (!this.logger.isLevelEnabled(level)) return;
    const params = [...rest];
    let context =
      params.length > 0 && typeof params[params.length - 1] === 'string'
        ? (params.pop() as string)
        : undefined;
    // `Logger.error(message, stack)` without a context: what looked like one is the stack.
    if (context?.includes('\n') && params.length === 0) {
      params.push(context);
      context = undefined;
    }
    const [detail] = params;
    if (message instanceof Error) {
      this.logger[level]({ context, err: message }, message.message);
    } else if (message !== null && typeof message === 'object') {
      this.logger[level](
        { context, ...(message as object) },
        typeof detail === 'string' ? detail : undefined,
      );
    } else if (level === 'error' && typeof detail === 'string') {
      this.logger[level]({ context, stack: detail }, String(message));
    } else {
      this.logger[level]({ context }, String(message));
    }
  }
}
