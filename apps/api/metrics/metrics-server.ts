import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { type AddressInfo } from 'node:net';
import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@schoolyard/config';
import { requestIdOf } from '@schoolyard/common';
import { Metrics } from '@schoolyard/metrics';

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * `GET /metrics` on METRICS_PORT, a listener of its own: nothing else is served there, and
 * nothing of the metrics is served on PORT, so a load balancer or a school's host name can
 * never expose them. With METRICS_TOKEN (required in production) the scraper sends
 * `Authorization: Bearer <token>`; without it the answer is 401. Errors use the shared shape.
 */
@Injectable()
export class MetricsServer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Metrics');
  private server: Server | undefined;
  private readonly expected: Buffer | undefined;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly metrics: Metrics,
  ) {
    // Compared as digests: equal lengths, so timingSafeEqual tells nothing about the length.
    this.expected = config.metrics.token === undefined ? undefined : digest(config.metrics.token);
  }

  /** The port it listens on (METRICS_PORT, or the one chosen for 0); undefined when off. */
  get port(): number | undefined {
    return (this.server?.address() as AddressInfo | null)?.port;
  }

  async onApplicationBootstrap(): Promise<void> {
    const { port, host } = this.config.metrics;
    if (port === undefined) return;
    const server = createServer((request, response) => void this.answer(request, response));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.server = server;
    this.logger.log(`Metrics on http://${host}:${this.port}/metrics`);
  }

  async onApplicationShutdown(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async answer(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = (request.url ?? '').split('?')[0];
    if (path !== '/metrics' || (request.method !== 'GET' && request.method !== 'HEAD')) {
      return this.refuse(request, response, 404, 'NOT_FOUND', 'Only GET /metrics is served here');
    }
    if (!this.authorized(request.headers.authorization)) {
      response.setHeader('www-authenticate', 'Bearer');
      return this.refuse(
        request,
        response,
        401,
        'AUTHENTICATION_REQUIRED',
        'A bearer token is required',
      );
    }
    try {
      const { body, contentType } = await this.metrics.scrape();
      response.writeHead(200, { 'content-type': contentType, 'cache-control': 'no-store' });
      response.end(request.method === 'HEAD' ? undefined : body);
    } catch (error) {
      this.logger.error({ err: error }, 'metrics scrape failed');
      this.refuse(request, response, 500, 'INTERNAL_ERROR', 'The metrics could not be collected');
    }
  }

  private authorized(header: string | undefined): boolean {
    if (!this.expected) return true;
    const match = /^Bearer +(\S+)$/i.exec(header ?? '');
    return match !== null && timingSafeEqual(digest(match[1]), this.expected);
  }

  private refuse(
    request: IncomingMessage,
    response: ServerResponse,
    status: number,
    code: string,
    message: string,
  ): void {
    response.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
    response.end(JSON.stringify({ error: { code, message }, requestId: requestIdOf(request) }));
  }
}
