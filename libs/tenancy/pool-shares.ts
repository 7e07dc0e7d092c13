import { schoolBusy } from './tenancy.errors';

interface Waiter {
  admit(): void;
}

interface Share {
  active: number;
  waiting: Waiter[];
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

  constructor(
    private readonly limit: number,
    private readonly timeoutMs: number,
  ) {}

  /** Resolves with the function that gives the place back, once the school has one. */
  async enter(schoolId: string): Promise<() => void> {
    let share = this.schools.get(schoolId);
    if (!share) {
      share = { active: 0, waiting: [] };
      this.schools.set(schoolId, share);
    }
    const leave = this.leaver(schoolId, share);
    if (share.active < this.limit) {
      share.active++;
      return leave;
    }
    await new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        admit: () => {
          clearTimeout(timer);
          resolve();
        },
      };
      const timer = setTimeout(() => {
        share.waiting.splice(share.waiting.indexOf(waiter), 1);
        reject(schoolBusy());
      }, this.timeoutMs);
      share.waiting.push(waiter);
    });
    return leave;
  }

  /** Requests of this school holding a place now, and waiting for one (for tests and health). */
  load(schoolId: string): { active: number; waiting: number } {
    const share = this.schools.get(schoolId);
    return { active: share?.active ?? 0, waiting: share?.waiting.length ?? 0 };
  }

  private leaver(schoolId: string, share: Share): () => void {
    let left = false;
    return () => {
      if (left) return;
      left = true;
      // The place passes straight to the next in line, so no newcomer can jump the queue.
      const next = share.waiting.shift();
      if (next) return next.admit();
      share.active--;
      if (share.active === 0) this.schools.delete(schoolId);
    };
  }
}
