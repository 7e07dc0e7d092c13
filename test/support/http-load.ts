import { Agent, request } from 'node:http';

export interface LoadRequest {
  host: string;
  path: string;
  /** Hang up this many milliseconds after sending, without reading the answer. */
  abortAfterMs?: number;
}

export interface LoadResult {
  status: number | 'aborted' | 'error';
  body?: unknown;
}

/** Real sockets on loopback (Host header chosen per request), bounded in count and concurrency. */
export async function runLoad(
  port: number,
  requests: LoadRequest[],
  concurrency: number,
): Promise<LoadResult[]> {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const results: LoadResult[] = new Array(requests.length);
  let next = 0;
  const one = (item: LoadRequest) =>
    new Promise<LoadResult>((done) => {
      const req = request(
        {
          host: '127.0.0.1',
          port,
          path: item.path,
          method: 'GET',
          agent,
          headers: { host: item.host },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let body: unknown = text;
            try {
              body = JSON.parse(text);
            } catch {
              // leave as text
            }
            done({ status: res.statusCode ?? 0, body });
          });
          res.on('error', () => done({ status: 'error' }));
        },
      );
      req.on('error', () => done({ status: item.abortAfterMs ? 'aborted' : 'error' }));
      if (item.abortAfterMs !== undefined) {
        setTimeout(() => req.destroy(), item.abortAfterMs);
      }
      req.end();
    });
  const worker = async () => {
    while (next < requests.length) {
      const index = next++;
      results[index] = await one(requests[index]);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  agent.destroy();
  return results;
}
