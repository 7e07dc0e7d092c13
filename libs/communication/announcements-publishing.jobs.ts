import {
  Injectable,
  Logger,
  Module,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import { type JobQueue, Jobs } from '@schoolyard/jobs';
import { TenantTransactions } from '@schoolyard/tenancy';
import { AnnouncementsPublishingPlatform } from './announcements-publishing.platform';
import { AnnouncementsPublishingRepository } from './announcements-publishing.repository';
import { AnnouncementPublisher } from './announcements-publishing.service';
import { DeliveryQueue } from './delivery-queue';

/** One school's due announcements: `{ schoolId }`, singleton key the school id. */
export interface PublishAnnouncementsJob {
  schoolId: string;
}

/** `stately`: one waiting and one running job per school; a second would find nothing due. */
export const publishAnnouncementsQueue: JobQueue = {
  name: 'communication.announcements',
  policy: 'stately',
  expireInSeconds: 300,
  retryLimit: 4,
  retryDelay: 30,
  retryBackoff: true,
};

/** Finds the schools with announcements due and queues their jobs; at most once a minute. */
export const announcementsSweepQueue: JobQueue = {
  name: 'communication.announcements-sweep',
  policy: 'stately',
  expireInSeconds: 120,
  retryLimit: 2,
  retryDelay: 30,
  retryBackoff: true,
};

/** A scheduled announcement goes out within about a minute of its time. */
const SWEEP_PERIOD_SECONDS = 60;
const TICK_MS = 30_000;

/**
 * Publishes scheduled announcements: every instance's timer offers the fleet sweep (a
 * throttled job, sent once a minute whichever timer is first), which queues a job for each
 * school with announcements due; that job publishes them one transaction each, so one
 * school's large audience holds no lock on the next announcement.
 */
@Injectable()
export class AnnouncementsPublishing implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Announcements');
  private stopSweep: (() => void) | undefined;

  constructor(
    private readonly jobs: Jobs,
    private readonly transactions: TenantTransactions,
    private readonly platform: AnnouncementsPublishingPlatform,
    private readonly publisher: AnnouncementPublisher,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.jobs.isWorker) return;
    await this.jobs.work<PublishAnnouncementsJob>(
      publishAnnouncementsQueue,
      async ({ schoolId }) => {
        await this.publishDue(schoolId);
      },
    );
    this.stopSweep = await this.jobs.sweepEvery(
      announcementsSweepQueue,
      SWEEP_PERIOD_SECONDS,
      TICK_MS,
      () => this.queueDue(),
    );
  }

  /** Before the job runner stops: no offer may reach a stopped runner. */
  onModuleDestroy(): void {
    this.stopSweep?.();
  }

  /**
   * Publishes the school's due announcements, one school transaction each, until none is
   * left; answers how many this call published. A suspended school's wait for it to resume.
   */
  async publishDue(schoolId: string): Promise<number> {
    const school = await this.platform.school(schoolId);
    if (!school || school.status !== 'active') return 0;
    let published = 0;
    for (;;) {
      const fanOut = await this.transactions.run(school, () => this.publisher.publishNextDue());
      if (!fanOut) return published;
      published += 1;
      if (fanOut.overQuota) {
        this.logger.warn(
          { schoolId, announcementId: fanOut.id },
          'published without SMS: over the allowance',
        );
      }
    }
  }

  /** Queues the job of every school with announcements due; answers how many were new. */
  async queueDue(): Promise<number> {
    let queued = 0;
    for (const schoolId of await this.platform.schoolsWithDueAnnouncements()) {
      const id = await this.jobs.send<PublishAnnouncementsJob>(
        publishAnnouncementsQueue,
        { schoolId },
        { singletonKey: schoolId },
      );
      if (id) {
        queued += 1;
        this.jobs.wake(publishAnnouncementsQueue);
      }
    }
    return queued;
  }
}

/**
 * Publishing announcements, for the API (through CommunicationModule) and the worker: the
 * publisher a request uses when one is due at once, and the jobs for scheduled ones.
 */
@Module({
  providers: [
    AnnouncementsPublishingRepository,
    AnnouncementsPublishingPlatform,
    AnnouncementPublisher,
    AnnouncementsPublishing,
    DeliveryQueue,
  ],
  exports: [AnnouncementPublisher, AnnouncementsPublishing],
})
export class AnnouncementsPublishingModule {}
