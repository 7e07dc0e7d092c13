import { request } from 'node:http';

/**
 * A fetch for API clients under test: it connects every request to 127.0.0.1:`port`,
 * whatever host the URL names, and sends that host in the Host header, as DNS would have
 * routed it. `oxford.localhost` does not resolve everywhere, and Node's own fetch refuses to
 * send a Host header of the caller's choosing, so this speaks node:http.
 */
export function loopbackFetch(port: number): typeof fetch {
  return async (input, init) => {
    const outgoing = new Request(input, init);
    const url = new URL(outgoing.url);
    const body = outgoing.body ? Buffer.from(await outgoing.arrayBuffer()) : undefined;
    const headers: Record<string, string> = { ...Object.fromEntries(outgoing.headers) };
    headers.host = url.host;
    if (body) headers['content-length'] = String(body.length);
    return new Promise<Response>((resolve, reject) => {
      const sent = request(
        {
          host: '127.0.0.1',
          port,
          method: outgoing.method,
          path: `${url.pathname}${url.search}`,
          headers,
        },
        (answer) => {
          const chunks: Buffer[] = [];
          answer.on('data', (chunk: Buffer) => chunks.push(chunk));
          answer.on('error', reject);
          answer.on('end', () => {
            const received = new Headers();
            for (const [name, value] of Object.entries(answer.headers)) {
              for (const one of [value ?? []].flat()) received.append(name, one);
            }
            const status = answer.statusCode ?? 502;
            // A Response with a body and one of these statuses cannot even be constructed.
            const bodiless = status === 204 || status === 304 || outgoing.method === 'HEAD';
            resolve(
              new Response(bodiless ? null : Buffer.concat(chunks), { status, headers: received }),
            );
          });
        },
      );
      sent.on('error', reject);
      sent.end(body);
    });
  };
}
