import { createServer, type ServerResponse } from 'node:http';
import { type AddressInfo } from 'node:net';
import { Pool } from 'pg';
import {
  announce,
  baselinePool,
  baselineSettings,
  ORGANIZATION_QUERY,
  ORGANIZATION_ROUTE,
  runBaseline,
} from './baselines';

/**
 * The ceiling for a Node.js server on this machine: node's http module and one pg pool, the
 * same query as the minimal NestJS arm, nothing else.
 */

function answer(response: ServerResponse, status: number, body?: unknown): void {
  const text = body === undefined ? '' : JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  response.end(text);
}

runBaseline(async () => {
  const { url, poolSize } = baselineSettings();
  const pool = new Pool(baselinePool(url, poolSize));
  const server = createServer((request, response) => {
    const path = request.url ?? '';
    if (request.method !== 'GET' || !path.startsWith(ORGANIZATION_ROUTE)) {
      answer(response, 404);
      return;
    }
    const id = decodeURIComponent(path.slice(ORGANIZATION_ROUTE.length));
    pool.query(ORGANIZATION_QUERY, [id]).then(
      ({ rows }) => answer(response, rows[0] ? 200 : 404, rows[0]),
      () => answer(response, 500),
    );
  });
  server.listen(0, '127.0.0.1');
  await new Promise((done) => server.once('listening', done));
  announce((server.address() as AddressInfo).port, async () => {
    await new Promise((done) => server.close(done));
    await pool.end();
  });
});
