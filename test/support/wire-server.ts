import { createServer, type Server, Socket } from 'node:net';
import { type AddressInfo } from 'node:net';
import { Client } from 'pg';

/*
 * Just enough of PostgreSQL's wire protocol for unit specs of the driver adapter: a real pg
 * Client connects to it over a real socket, and the spec sees what arrived, statement by
 * statement, and how many system calls (socket writes) the client spent. Nothing is stored:
 * every statement answers with no rows, and a statement containing FAIL fails.
 */

export interface Received {
  /** The statement's text (simple query: the whole message). */
  sql: string;
  protocol: 'simple' | 'extended';
}

export interface WireServer {
  received: Received[];
  /** Socket writes the clients made since the last `resetWrites()`. */
  writes(): number;
  resetWrites(): void;
  /** A connected, pipelined client, as the request pool makes them. */
  client(): Promise<Client>;
  close(): Promise<void>;
}

const AUTH_OK = message('R', int32(0));
const NO_DATA = message('n');
const PARSE_COMPLETE = message('1');
const BIND_COMPLETE = message('2');

function int32(value: number): Buffer {
  const buffer = Buffer.alloc(4);
  buffer.writeInt32BE(value);
  return buffer;
}

function message(type: string, body: Buffer = Buffer.alloc(0)): Buffer {
  return Buffer.concat([Buffer.from(type), int32(body.length + 4), body]);
}

const cstring = (text: string) => Buffer.from(`${text}\0`);

function tagOf(sql: string): string {
  const verb = sql.trim().split(/\s+/)[0]?.toUpperCase() ?? '';
  return ['SELECT', 'INSERT', 'UPDATE', 'DELETE'].includes(verb)
    ? `${verb}${verb === 'INSERT' ? ' 0' : ''} 0`
    : verb;
}

/** One connection's state: whether a transaction is open or aborted, as ReadyForQuery says. */
class Session {
  status: 'I' | 'T' | 'E' = 'I';
  /** Extended protocol: after an error, messages up to Sync are ignored. */
  skipping = false;
  pendingSql = '';

  constructor(private readonly received: Received[]) {}

  /** The answer to one statement: its completion, or an error that aborts the transaction. */
  run(sql: string, protocol: Received['protocol']): Buffer {
    this.received.push({ sql, protocol });
    if (this.status === 'E' && !/^\s*(ROLLBACK|COMMIT)/i.test(sql)) return this.error('aborted');
    if (sql.includes('FAIL')) return this.error('failed as asked');
    const tag = tagOf(sql);
    if (tag === 'BEGIN') this.status = 'T';
    if (tag === 'COMMIT' || tag === 'ROLLBACK') {
      const committed = tag === 'COMMIT' && this.status === 'T';
      this.status = 'I';
      return message('C', cstring(committed || tag === 'ROLLBACK' ? tag : 'ROLLBACK'));
    }
    return message('C', cstring(tag));
  }

  ready(): Buffer {
    return message('Z', Buffer.from(this.status));
  }

  private error(text: string): Buffer {
    if (this.status === 'T') this.status = 'E';
    const fields = Buffer.concat([
      cstring('SERROR'),
      cstring('C25P02'),
      cstring(`M${text}`),
      Buffer.from([0]),
    ]);
    return message('E', fields);
  }
}

function answer(session: Session, type: string, body: Buffer): Buffer[] {
  if (type === 'Q') {
    const out: Buffer[] = [];
    for (const sql of body.toString('utf8', 0, body.length - 1).split(';')) {
      if (!sql.trim()) continue;
      const reply = session.run(sql.trim(), 'simple');
      out.push(reply);
      if (reply[0] === 'E'.charCodeAt(0)) break;
    }
    return [...out, session.ready()];
  }
  if (type === 'S') {
    session.skipping = false;
    return [session.ready()];
  }
  if (session.skipping) return [];
  if (type === 'P') {
    // Parse: statement name (cstring), then the text.
    const nameEnd = body.indexOf(0);
    session.pendingSql = body.toString('utf8', nameEnd + 1, body.indexOf(0, nameEnd + 1));
    return [PARSE_COMPLETE];
  }
  if (type === 'B') return [BIND_COMPLETE];
  if (type === 'D') return [NO_DATA];
  if (type === 'E') {
    const reply = session.run(session.pendingSql, 'extended');
    if (reply[0] === 'E'.charCodeAt(0)) session.skipping = true;
    return [reply];
  }
  return [];
}

function serve(socket: Socket, received: Received[]): void {
  const session = new Session(received);
  let buffered = Buffer.alloc(0);
  let started = false;
  socket.on('data', (chunk: Buffer) => {
    buffered = Buffer.concat([buffered, chunk]);
    const out: Buffer[] = [];
    for (;;) {
      if (!started) {
        if (buffered.length < 4) break;
        const length = buffered.readInt32BE(0);
        if (buffered.length < length) break;
        buffered = buffered.subarray(length);
        started = true;
        out.push(AUTH_OK, session.ready());
        continue;
      }
      if (buffered.length < 5) break;
      const type = String.fromCharCode(buffered[0]);
      const length = buffered.readInt32BE(1);
      if (buffered.length < length + 1) break;
      const body = buffered.subarray(5, length + 1);
      buffered = buffered.subarray(length + 1);
      if (type === 'X') return void socket.end();
      out.push(...answer(session, type, body));
    }
    if (out.length) socket.write(Buffer.concat(out));
  });
  socket.on('error', () => undefined);
}

/** A socket that counts the writes (system calls) its owner makes through it. */
function countingSocket(counter: { writes: number }): Socket {
  const socket = new Socket();
  const internals = socket as unknown as {
    _write: (...args: unknown[]) => void;
    _writev: (...args: unknown[]) => void;
  };
  const write = internals._write.bind(socket);
  const writev = internals._writev.bind(socket);
  internals._write = (...args) => {
    counter.writes++;
    write(...args);
  };
  internals._writev = (...args) => {
    counter.writes++;
    writev(...args);
  };
  return socket;
}

export async function startWireServer(): Promise<WireServer> {
  const received: Received[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    serve(socket, received);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const counter = { writes: 0 };
  const clients: Client[] = [];
  return {
    received,
    writes: () => counter.writes,
    resetWrites: () => void (counter.writes = 0),
    async client() {
      const client = new Client({
        host: '127.0.0.1',
        port,
        user: 'nobody',
        database: 'none',
        pipeline: true,
        stream: () => countingSocket(counter),
      });
      await client.connect();
      clients.push(client);
      return client;
    },
    async close() {
      await Promise.all(clients.map((client) => client.end().catch(() => undefined)));
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
