import { schoolBusy } from './tenancy.errors';

/** Requests of one school that may queue for its share; past this they are refused at once. */
const MAX_WAITING = 1_000;

/** Told how long a queued request waited and how its wait ended (metrics; never per school). */
export type ShareWaitObserver = (seconds: number, outcome: 'admitted' | 'timed_out') => void;

interface Waiter {
  admit(): void;
  /** Set when its wait ran out: the hand-off passes over it. */
  gaveUp: boolean;
}

interface Share {
  active: number;
  waiting: Waiter[];
  /** Waiters in `waiting` that have not given up. */
  queued: number;
}

/**
 * At most `limit` of the request pool's connections serve one school at a time; that school's
 * further requests wait in a queue of its own. The pool has one first-come queue for
 * everyone, so without this a school that sends a burst (its plan allows a minute's requests
 * at once) puts all of it ahead of every other school's next request. A request waits at
 * most `timeoutMs` (the pool's own connect timeout) and is then refused with 503 SCHOOL_BUSY.
 */
export class PoolShares {
  private readonly schools = new Map<string, Share>();
  /** Requests queued now, all schools together. */
  private queuedTotal = 0;

  constructor(
    private readonly limit: number,
    private readonly timeoutMs: number,
    private readonly observe: ShareWaitObserver = () => undefined,
  ) {}

  /** Requests of every school waiting for a place now. */
  get waiting(): number {
    return this.queuedTotal;
  }

  /** Resolves with the function that gives the place back, once the school has one. */
  async enter(schoolId: string): Promise<() => void> {
    let share = this.schools.get(schoolId);
    if (!share) {
      share = { active: 0, waiting: [], queued: 0 };
      this.schools.set(schoolId, share);
    }
    const leave = this.leaver(schoolId, share);
    if (share.active < this.limit) {
      share.active++;
      return leave;
    }
    if (share.queued >= MAX_WAITING) throw schoolBusy();
    const queue = share;
    const since = performance.now();
    await new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        gaveUp: false,
        admit: () => {
          clearTimeout(timer);
          this.queuedTotal--;
          this.observe((performance.now() - since) / 1000, 'admitted');
          resolve();
        },
      };
      const timer = setTimeout(() => {
        waiter.gaveUp = true;
        queue.queued--;
        this.queuedTotal--;
        this.observe((performance.now() - since) / 1000, 'timed_out');
        reject(schoolBusy());
      }, this.timeoutMs);
      queue.waiting.push(waiter);
      queue.queued++;
      this.queuedTotal++;
    });
    return leave;
  }

  /** Requests of this school holding a place now, and waiting for one. */
  load(schoolId: string): { active: number; waiting: number } {
    const share = this.schools.get(schoolId);
    return { active: share?.active ?? 0, waiting: share?.queued ?? 0 };
  }

  private leaver(schoolId: string, share: Share): () => void {
    let left = false;
    return () => {
      if (left) return;
      left = true;
      // The place passes straight to the next in line, so no newcomer can jump the queue.
      for (let next = share.waiting.shift(); next; next = share.waiting.shift()) {
        if (next.gaveUp) continue;
        share.queued--;
        return next.admit();
      }
      share.active--;
      if (share.active === 0) this.schools.delete(schoolId);
    };
  }
}
