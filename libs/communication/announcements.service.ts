import { Injectable } from '@nestjs/common';
import { nothingToChange, type PageQuery } from '@schoolyard/common';
import { PrincipalContext } from '@schoolyard/identity';
import {
  type AnnouncementPage,
  type AnnouncementsQuery,
  type AnnouncementView,
  type AudienceDto,
  type CreateAnnouncementDto,
  type FeedPage,
  type ReadReceiptView,
  type UpdateAnnouncementDto,
} from './dto/announcements.dto';
import {
  announcementNotFound,
  announcementPublished,
  audienceInvalid,
  audienceNotFound,
  expiryInvalid,
  smsNotEnabled,
} from './announcements.errors';
import { AnnouncementsRepository, type Written } from './announcements.repository';
import { AnnouncementPublisher } from './announcements-publishing.service';

/**
 * Announcements. The office writes one for an audience named in the school's words; it is
 * published (its recipients and their notifications written, once) at once when its time has
 * come, or later by the publishing job. Recipients read it in their feed and mark it read.
 */
@Injectable()
export class AnnouncementsService {
  constructor(
    private readonly announcements: AnnouncementsRepository,
    private readonly publisher: AnnouncementPublisher,
    private readonly caller: PrincipalContext,
  ) {}

  async create(dto: CreateAnnouncementDto): Promise<AnnouncementView> {
    checkAudience(dto.audience);
    checkExpiry(dto.expiresAt, dto.publishAt);
    const written = await this.announcements.create(this.caller.principal.userId, {
      title: dto.title,
      body: dto.body,
      kind: dto.audience.kind,
      ids: dto.audience.ids,
      channels: dto.channels ?? [],
      pinned: dto.pinned ?? false,
      publishAt: dto.publishAt ?? null,
      expiresAt: dto.expiresAt ?? null,
    });
    return this.publishIfDue(written, dto.audience.kind);
  }

  list(query: AnnouncementsQuery): Promise<AnnouncementPage> {
    return this.announcements.page(query);
  }

  async get(id: string): Promise<AnnouncementView> {
    const found = await this.announcements.findOne(id);
    if (!found) throw announcementNotFound();
    return found;
  }

  async update(id: string, dto: UpdateAnnouncementDto): Promise<AnnouncementView> {
    if (Object.values(dto).every((value) => value === undefined)) throw nothingToChange();
    if (dto.audience) checkAudience(dto.audience);
    if (dto.expiresAt) checkExpiry(dto.expiresAt, dto.publishAt);
    const written = await this.announcements.update(id, {
      title: dto.title,
      body: dto.body,
      pinned: dto.pinned,
      expiresAt: dto.expiresAt,
      kind: dto.audience?.kind,
      ids: dto.audience?.ids,
      channels: dto.channels,
      publishAt: dto.publishAt,
    });
    return this.publishIfDue(written, dto.audience?.kind ?? '');
  }

  async remove(id: string): Promise<void> {
    if (!(await this.announcements.remove(id))) throw announcementNotFound();
  }

  feed(query: PageQuery): Promise<FeedPage> {
    return this.announcements.feed(this.caller.principal.userId, query);
  }

  async markRead(id: string): Promise<ReadReceiptView> {
    const readAt = await this.announcements.markRead(id, this.caller.principal.userId);
    if (!readAt) throw announcementNotFound();
    return { id, readAt };
  }

  /**
   * Publishes a written announcement whose time has come; a scheduled one only has its SMS
   * checked against this month's allowance, so the office hears of it now.
   */
  private async publishIfDue(written: Written, kind: string): Promise<AnnouncementView> {
    if (written.refusal) {
      const why = written.refusal;
      if (!why.found) throw announcementNotFound();
      if (why.missing.length) throw audienceNotFound(kind, why.missing);
      if (why.smsOff) throw smsNotEnabled();
      if (why.expiryBad) throw expiryInvalid('expiresAt must be after publishAt');
      throw announcementPublished();
    }
    const { view, due } = written;
    if (view.publishedAt) return view;
    if (!due) {
      await this.publisher.checkAllowance(view.id, view.channels.includes('sms'));
      return view;
    }
    const fanOut = await this.publisher.publish(view.id, view.channels.includes('sms'));
    if (!fanOut) return view;
    return {
      ...view,
      publishedAt: fanOut.publishedAt,
      recipients: fanOut.recipients,
      channels: fanOut.channels,
    };
  }
}

function checkAudience(audience: AudienceDto): void {
  if (audience.kind === 'school' && audience.ids.length) {
    throw audienceInvalid('the whole school takes no ids');
  }
  if (audience.kind !== 'school' && !audience.ids.length) {
    throw audienceInvalid(`a ${audience.kind} audience names at least one id`);
  }
}

/** It must still be to come, and after its publication. */
function checkExpiry(expiresAt: string | undefined, publishAt: string | undefined): void {
  if (!expiresAt) return;
  const expires = Date.parse(expiresAt);
  if (expires <= Date.now()) throw expiryInvalid('expiresAt must be in the future');
  if (publishAt && expires <= Date.parse(publishAt)) {
    throw expiryInvalid('expiresAt must be after publishAt');
  }
}
