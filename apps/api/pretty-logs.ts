import { type AppConfig } from '@schoolyard/config';
import { type DestinationStream } from 'pino';
import { build } from 'pino-pretty';

/** The message of the request log's lines (registerRequestLog). */
export const REQUEST_COMPLETED = 'request completed';

/**
 * Fields the formatted message already shows, or that only a machine wants. pino-pretty
 * would print each left over on a line of its own under the message.
 */
const SHOWN_IN_MESSAGE = [
  'pid',
  'hostname',
  'context',
  'reqId',
  'school',
  'method',
  'url',
  'statusCode',
  'responseTimeMs',
];

/**
 * A person reads the logs in a terminal; anything else (a file, a collector, production)
 * gets pino's JSON, one object a line, which is also the cheaper of the two to write. A
 * silent logger writes nothing, so it needs no formatter (test apps run many of them).
 */
export function wantsPrettyLogs(config: AppConfig, stdoutIsTerminal: boolean | undefined): boolean {
  return (
    config.environment !== 'production' && config.logLevel !== 'silent' && stdoutIsTerminal === true
  );
}

/**
 * The message of a development log line. A request becomes
 * `GET /api/students 200 3.2 ms oxford` (no school at the platform's address); any other line
 * keeps its message, after the Nest context it came from.
 */
export function formatLogMessage(log: Record<string, unknown>): string {
  const message = typeof log.msg === 'string' ? log.msg : '';
  if (message === REQUEST_COMPLETED) {
    const school = typeof log.school === 'string' ? ` ${log.school}` : '';
    return `${String(log.method)} ${String(log.url)} ${String(log.statusCode)} ${String(log.responseTimeMs)} ms${school}`;
  }
  return typeof log.context === 'string' ? `[${log.context}] ${message}` : message;
}

/** pino-pretty with the format above, writing to `destination` (standard output by default). */
export function prettyLogStream(
  options: { colorize?: boolean; destination?: NodeJS.WritableStream } = {},
): DestinationStream {
  return build({
    colorize: options.colorize,
    destination: options.destination ?? 1,
    // Written before the process moves on: `main` exits right after closing the app.
    sync: true,
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: SHOWN_IN_MESSAGE.join(','),
    messageFormat: (log) => formatLogMessage(log),
  });
}
