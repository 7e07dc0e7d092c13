import { Global, Module } from '@nestjs/common';
import { IdentityModule, MemberAccessReader } from '@schoolyard/identity';
import { CallerAccess } from './caller-access';
import { PermissionsGuard } from './permissions.guard';
import { CallerScope } from './scoped-caller';
import { RolesController } from './roles.controller';
import { RolesRepository } from './roles.repository';
import { RolesService } from './roles.service';
import { SchoolAccessRepository } from './school-access.repository';
import { SchoolAccess } from './school-access.service';

const exported = [SchoolAccess, CallerAccess, CallerScope, PermissionsGuard];

/** Global so identity's GET /api/auth/me can read roles without importing this module. */
@Global()
@Module({
  imports: [IdentityModule],
  controllers: [RolesController],
  providers: [
    ...exported,
    RolesService,
    RolesRepository,
    SchoolAccessRepository,
    { provide: MemberAccessReader, useExisting: SchoolAccess },
  ],
  exports: [...exported, MemberAccessReader],
})
export class RbacModule {}
