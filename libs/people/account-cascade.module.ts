import { Module } from '@nestjs/common';
import { AccountCascadeDispatcher } from './account-cascade.dispatcher';
import { AccountCascadeRepository } from './account-cascade.repository';
import { AccountCascade } from './account-cascade.service';
import { SchoolAccountsRepository } from './school-accounts.repository';
import { SoftLinksRepository } from './soft-links.repository';

/**
 * The account cascade alone, for the worker process (apps/worker), which has no routes: it
 * needs only the kernel, the owner database and the job runner.
 */
@Module({
  providers: [
    AccountCascade,
    AccountCascadeDispatcher,
    AccountCascadeRepository,
    SchoolAccountsRepository,
    SoftLinksRepository,
  ],
  exports: [AccountCascade],
})
export class AccountCascadeModule {}
