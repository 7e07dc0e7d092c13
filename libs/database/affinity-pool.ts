import { EventEmitter } from 'node:events';
import { Client, type ClientConfig, type PoolClient } from 'pg';

export interface AffinityPoolOptions extends ClientConfig {
  /** Connections at most: the pool's slots. */
  max?: number;
  /** A connection is replaced after this many transactions. */
  maxUses?: number;
  /** ...or after serving this many distinct affinity keys (schools); 0: no bound. */
  maxKeysPerConnection?: number;
  /**
   * How long a key whose home is busy waits for it before it takes any idle connection
   * (0: at once). A cold backend costs PostgreSQL CPU; a short wait costs none.
   */
  spillAfterMillis?: number;
  /** ...or once this old (0: no bound); an idle one is closed then, a busy one when released. */
  maxLifetimeSeconds?: number;
  idleTimeoutMillis?: number;
  /** Longest wait for a connection, queued or opening, before "timeout exceeded". */
  connectionTimeoutMillis?: number;
}

/** What the pool needs of a connection; pg's Client, or a stand-in in unit specs. */
export interface PoolableClient extends EventEmitter {
  connect(): Promise<unknown>;
  end(): Promise<unknown>;
}
type ClientClass = new (config: AffinityPoolOptions) => PoolableClient;

interface ClientState {
  /** pg's own flags: false / true once the connection broke or is closing. */
  _queryable?: boolean;
  _ending?: boolean;
  release?: (error?: Error | boolean) => void;
}

interface Connection {
  client: PoolableClient;
  slot: number;
  /** Affinity keys this connection (its server backend) has served: their caches are warm. */
  served: Set<string>;
  uses: number;
  busy: boolean;
  /** The key of the transaction holding it. */
  heldFor: string | undefined;
  expired: boolean;
  idleTimer: NodeJS.Timeout | undefined;
  lifetimeTimer: NodeJS.Timeout | undefined;
}

interface Waiter {
  key: string | undefined;
  /** The slot the key calls home (-1 for no key). */
  home: number;
  /** May take any connection: no key, or it has waited `spillAfterMillis` for its home. */
  spillable: boolean;
  spillTimer: NodeJS.Timeout | undefined;
  resolve(client: PoolClient): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout | undefined;
  /** A connection is being opened on this waiter's behalf. */
  opening: boolean;
}

const OPENING = 'opening';
type Slot = Connection | typeof OPENING | undefined;

/** How far down the queue a freed connection looks for a waiter whose caches it holds. */
const MATCH_WINDOW = 64;

/** FNV-1a: a stable 32-bit hash of an affinity key (the same in every process). */
export function keyHash(key: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    hash ^= key.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/**
 * Rendezvous (highest random weight) score of `slot` for a key's hash: each key ranks the
 * slots in an order of its own, so keys spread evenly, and a slot's keys stay its own
 * whatever the others do.
 */
export function slotScore(hash: number, slot: number): number {
  let h = (hash ^ Math.imul(slot + 1, 0x9e3779b9)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** The slot a key calls home among `slots`: the one it scores highest. */
export function homeSlot(key: string, slots: number): number {
  const hash = keyHash(key);
  let best = 0;
  let bestScore = -1;
  for (let slot = 0; slot < slots; slot++) {
    const score = slotScore(hash, slot);
    if (score > bestScore) [best, bestScore] = [slot, score];
  }
  return best;
}

const NOOP = () => undefined;

/**
 * A connection pool that keeps each affinity key (a school's schema) on connections that
 * have served it before. Every PostgreSQL backend builds catalog caches for each schema and
 * role it touches, and keeps them until it exits: spread a thousand schools over every
 * connection and nearly every transaction pays for a cold cache; give each school a home
 * connection and a backend warms only its share of the fleet.
 *
 * The pool has `max` slots, each holding at most one connection. A key's home is the slot it
 * scores highest (rendezvous hashing: keys spread evenly, and resizing the pool moves only
 * the keys of the slots added or removed). A transaction takes an idle connection that has
 * served its key, else its idle home, else it waits up to `spillAfterMillis` for its busy
 * home (not when its own key holds it: a nested transaction, a school's burst) and then
 * spills to the idle connection it scores highest (opening its home beside it if that slot
 * is empty), else a connection is opened, else it queues. A connection handed
 * back goes to the oldest waiter whose home it is or whose key it has served, else to the
 * oldest waiter that may spill, else waits idle; the oldest waiter is passed over at most
 * `max` times in a row, so no one starves. Keyless work (the platform's, health checks) fits
 * every connection and never waits while one is idle. A connection is replaced after
 * `maxKeysPerConnection` distinct keys (its backend's memory grows with each), `maxUses`
 * transactions or `maxLifetimeSeconds`, and when released with an error or broken.
 *
 * Shaped like pg-pool where TypeORM uses it (`connect`, `end`, the `error` event, and the
 * counters), so TypeORM's DataSource can own it through its `driver` option.
 */
export class AffinityPool extends EventEmitter {
  readonly options: AffinityPoolOptions;
  private readonly slots: Slot[];
  private readonly waiters: Waiter[] = [];
  /** Times in a row the oldest waiter was passed over for a better-matched one. */
  private headSkips = 0;
  private ending = false;
  private ended: (() => void) | undefined;
  private readonly maxUses: number;
  private readonly maxKeys: number;
  private readonly spillAfterMs: number;

  constructor(
    options: AffinityPoolOptions = {},
    private readonly ClientType: ClientClass = Client as unknown as ClientClass,
  ) {
    super();
    this.options = { ...options };
    this.slots = new Array<Slot>(Math.max(1, options.max ?? 10)).fill(undefined);
    this.maxUses = options.maxUses || Infinity;
    this.maxKeys = options.maxKeysPerConnection || Infinity;
    this.spillAfterMs = options.spillAfterMillis ?? 0;
  }

  get totalCount(): number {
    return this.slots.filter((slot) => slot !== undefined && slot !== OPENING).length;
  }

  get idleCount(): number {
    return this.connections().filter((connection) => !connection.busy).length;
  }

  get waitingCount(): number {
    return this.waiters.length;
  }

  /** pg-pool's name for its open connections, for tools and tests written against it. */
  get _clients(): PoolableClient[] {
    return this.connections().map((connection) => connection.client);
  }

  /** The affinity keys each slot's connection has served (none for an empty slot). */
  servedBySlot(): Array<ReadonlySet<string> | undefined> {
    return this.slots.map((slot) => (slot && slot !== OPENING ? slot.served : undefined));
  }

  /** A connection for work of `key` (none: any connection), with `release` on it. */
  acquire(key?: string): Promise<PoolClient> {
    if (this.ending)
      return Promise.reject(new Error('Cannot use a pool after calling end on the pool'));
    const home = key === undefined ? -1 : homeSlot(key, this.slots.length);
    // An idle connection never fits a waiter (it would have been handed over): take it if it
    // fits, or spill to it at once when there is no wait for a home.
    const spillNow = key === undefined || this.spillAfterMs === 0 || this.heldBy(home, key);
    const idle = this.pickIdle(key, home, spillNow);
    if (idle) return Promise.resolve(this.lend(idle, key));
    return new Promise<PoolClient>((resolve, reject) => {
      const waiter: Waiter = {
        key,
        home,
        spillable: spillNow,
        spillTimer: undefined,
        resolve,
        reject,
        timer: undefined,
        opening: false,
      };
      const timeout = this.options.connectionTimeoutMillis;
      if (timeout) {
        waiter.timer = setTimeout(() => {
          this.removeWaiter(waiter);
          reject(new Error('timeout exceeded when trying to connect'));
        }, timeout);
      }
      if (!waiter.spillable) {
        waiter.spillTimer = setTimeout(() => this.spill(waiter), this.spillAfterMs);
      }
      this.waiters.push(waiter);
      this.openForWaiters();
    });
  }

  /**
   * Whether the key's own work holds its home: a transaction inside another, or a school's
   * burst. Waiting for the home would be waiting for itself, or for a connection the school
   * needs beside it anyway.
   */
  private heldBy(home: number, key: string): boolean {
    const slot = this.slots[home];
    return slot !== undefined && slot !== OPENING && slot.busy && slot.heldFor === key;
  }

  /** A waiter that waited long enough for its home takes any idle connection, or opens one. */
  private spill(waiter: Waiter): void {
    waiter.spillable = true;
    const idle = this.pickIdle(waiter.key, waiter.home, true);
    if (idle && this.removeWaiter(waiter)) waiter.resolve(this.lend(idle, waiter.key));
    else this.openForWaiters();
  }

  /** pg-pool's `connect`, callback or promise style, for work with no affinity. */
  connect(): Promise<PoolClient>;
  connect(
    callback: (error: Error | undefined, client?: PoolClient, done?: (e?: Error) => void) => void,
  ): void;
  connect(
    callback?: (error: Error | undefined, client?: PoolClient, done?: (e?: Error) => void) => void,
  ): Promise<PoolClient> | void {
    const acquired = this.acquire();
    if (!callback) return acquired;
    acquired.then(
      (client) => callback(undefined, client, (error) => client.release(error)),
      (error: Error) => callback(error, undefined, NOOP),
    );
  }

  /** Closes idle connections now, busy ones as they come back; refuses waiters and newcomers. */
  end(callback?: (error?: Error) => void): Promise<void> {
    if (this.ending) {
      const error = new Error('Called end on pool more than once');
      if (!callback) return Promise.reject(error);
      callback(error);
      return Promise.resolve();
    }
    this.ending = true;
    for (const waiter of [...this.waiters]) {
      this.removeWaiter(waiter);
      waiter.reject(new Error('Cannot use a pool after calling end on the pool'));
    }
    const done = new Promise<void>((resolve) => (this.ended = resolve));
    for (const connection of this.connections()) if (!connection.busy) this.destroy(connection);
    this.checkEnded();
    if (!callback) return done;
    done.then(() => callback(), callback);
    return done;
  }

  private connections(): Connection[] {
    return this.slots.filter((slot): slot is Connection => slot !== undefined && slot !== OPENING);
  }

  /**
   * An idle connection that has served `key`, else its idle home, else (when it may
   * spill) the idle one it scores highest; any idle one for no key.
   */
  private pickIdle(key: string | undefined, home: number, spill: boolean): Connection | undefined {
    let best: Connection | undefined;
    let bestRank = -1;
    let bestScore = -1;
    const hash = key === undefined ? 0 : keyHash(key);
    for (const slot of this.slots) {
      if (slot === undefined || slot === OPENING || slot.busy) continue;
      if (key === undefined) return slot;
      const rank = slot.served.has(key) ? 2 : slot.slot === home ? 1 : spill ? 0 : -1;
      if (rank < 0) continue;
      const score = slotScore(hash, slot.slot);
      if (rank > bestRank || (rank === bestRank && score > bestScore)) {
        [best, bestRank, bestScore] = [slot, rank, score];
      }
    }
    return best;
  }

  /** The empty slot `key` scores highest (the first for no key), or -1. */
  private emptySlot(key: string | undefined): number {
    let best = -1;
    let bestScore = -1;
    const hash = key === undefined ? 0 : keyHash(key);
    for (let index = 0; index < this.slots.length; index++) {
      if (this.slots[index] !== undefined) continue;
      if (key === undefined) return index;
      const score = slotScore(hash, index);
      if (score > bestScore) [best, bestScore] = [index, score];
    }
    return best;
  }

  /**
   * Opens connections in empty slots for waiters that have none coming: in their home, or in
   * any empty slot for those that may spill.
   */
  private openForWaiters(): void {
    if (this.ending) return;
    for (const waiter of this.waiters) {
      if (waiter.opening) continue;
      const homeEmpty = waiter.home >= 0 && this.slots[waiter.home] === undefined;
      const slot = homeEmpty ? waiter.home : waiter.spillable ? this.emptySlot(waiter.key) : -1;
      if (slot >= 0) this.open(slot, waiter);
    }
  }

  private openHome(home: number): void {
    if (this.slots[home] === undefined && !this.ending) this.open(home, undefined);
  }

  /** Opens a connection in `slot`, on a waiter's behalf or (none) as a spare. */
  private open(slot: number, waiter: Waiter | undefined): void {
    this.slots[slot] = OPENING;
    if (waiter) waiter.opening = true;
    const client = new this.ClientType(this.options);
    let connection: Connection | undefined;
    // Always listened to, so an error on a connection nobody holds never goes unhandled.
    client.on('error', (error: Error) => {
      if (!connection || connection.busy || this.slots[slot] !== connection) return;
      this.destroy(connection);
      this.emit('error', error, client);
      this.openForWaiters();
    });
    client.connect().then(
      () => {
        if (waiter) waiter.opening = false;
        connection = {
          client,
          slot,
          served: new Set(),
          uses: 0,
          busy: false,
          heldFor: undefined,
          expired: false,
          idleTimer: undefined,
          lifetimeTimer: undefined,
        };
        this.slots[slot] = connection;
        const lifetime = this.options.maxLifetimeSeconds;
        if (lifetime) {
          const aging = connection;
          aging.lifetimeTimer = setTimeout(() => {
            aging.expired = true;
            if (!aging.busy && this.slots[slot] === aging) {
              this.destroy(aging);
              this.openForWaiters();
            }
          }, lifetime * 1000);
          aging.lifetimeTimer.unref();
        }
        if (this.ending) return this.destroy(connection);
        this.offer(connection);
      },
      (error: Error) => {
        this.slots[slot] = undefined;
        // pg's own timer fired: say so the way pg-pool does.
        const failure = /timeout expired/i.test(error.message)
          ? new Error('Connection terminated due to connection timeout', { cause: error })
          : error;
        if (waiter) {
          waiter.opening = false;
          if (this.removeWaiter(waiter)) waiter.reject(failure);
        } else if (this.listenerCount('error') > 0) {
          this.emit('error', failure);
        }
        this.checkEnded();
        this.openForWaiters();
      },
    );
  }

  /** A free connection goes to the best-matched waiter, or waits idle. */
  private offer(connection: Connection): void {
    const waiter = this.pickWaiter(connection);
    if (waiter) {
      this.removeWaiter(waiter);
      waiter.resolve(this.lend(connection, waiter.key));
      return;
    }
    connection.busy = false;
    const idleFor = this.options.idleTimeoutMillis;
    if (idleFor) {
      connection.idleTimer = setTimeout(() => {
        if (!connection.busy && this.slots[connection.slot] === connection)
          this.destroy(connection);
      }, idleFor);
    }
  }

  /**
   * The oldest waiter (within MATCH_WINDOW) the connection is home or warm to, else the
   * oldest that may spill; the head once it has been passed over once per slot.
   */
  private pickWaiter(connection: Connection): Waiter | undefined {
    const head = this.waiters[0];
    if (!head) return undefined;
    if (this.headSkips >= this.slots.length) return head;
    const window = Math.min(this.waiters.length, MATCH_WINDOW);
    let chosen = -1;
    for (let i = 0; i < window; i++) {
      const waiter = this.waiters[i];
      if (
        waiter.key === undefined ||
        waiter.home === connection.slot ||
        connection.served.has(waiter.key)
      ) {
        chosen = i;
        break;
      }
      if (chosen < 0 && waiter.spillable) chosen = i;
    }
    if (chosen < 0) return undefined;
    if (chosen > 0) this.headSkips++;
    return this.waiters[chosen];
  }

  /** Whether it was still waiting. */
  private removeWaiter(waiter: Waiter): boolean {
    const index = this.waiters.indexOf(waiter);
    if (index < 0) return false;
    clearTimeout(waiter.timer);
    clearTimeout(waiter.spillTimer);
    this.waiters.splice(index, 1);
    if (index === 0) this.headSkips = 0;
    return true;
  }

  private lend(connection: Connection, key: string | undefined): PoolClient {
    connection.busy = true;
    connection.heldFor = key;
    clearTimeout(connection.idleTimer);
    connection.idleTimer = undefined;
    connection.uses++;
    if (key !== undefined && !connection.served.has(key)) {
      // Spilled to a connection cold for the key: open its home beside it for next time.
      const home = homeSlot(key, this.slots.length);
      if (home !== connection.slot) this.openHome(home);
      connection.served.add(key);
    }
    const client = connection.client as unknown as PoolClient & ClientState;
    let released = false;
    client.release = (error?: Error | boolean) => {
      if (released) {
        throw new Error('Release called on client which has already been released to the pool.');
      }
      released = true;
      this.release(connection, error);
    };
    return client;
  }

  private release(connection: Connection, error?: Error | boolean): void {
    const state = connection.client as unknown as ClientState;
    const spent =
      connection.expired ||
      connection.uses >= this.maxUses ||
      connection.served.size >= this.maxKeys;
    if (error || this.ending || state._queryable === false || state._ending || spent) {
      this.destroy(connection);
      this.openForWaiters();
      return;
    }
    this.offer(connection);
  }

  private destroy(connection: Connection): void {
    if (this.slots[connection.slot] === connection) this.slots[connection.slot] = undefined;
    connection.busy = false;
    clearTimeout(connection.idleTimer);
    clearTimeout(connection.lifetimeTimer);
    connection.client.end().catch(NOOP);
    this.emit('remove', connection.client);
    this.checkEnded();
  }

  private checkEnded(): void {
    if (this.ending && this.ended && this.slots.every((slot) => slot === undefined)) {
      const ended = this.ended;
      this.ended = undefined;
      ended();
    }
  }
}
