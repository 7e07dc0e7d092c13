import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { Route } from '@schoolyard/common';
import {
  AssignmentParams,
  AssignmentView,
  AssignRoleDto,
  PermissionModuleView,
  RoleDto,
  RoleIdParams,
  RoleView,
} from './dto/roles.dto';
import { RolesService } from './roles.service';
import {
  assignmentNotFound,
  lastOwner,
  onlyOwnersManageOwners,
  ownerRoleProtected,
  personNotFound,
  roleNameTaken,
  roleNotFound,
  systemRoleProtected,
  unknownPermissions,
} from './rbac.errors';

@ApiTags('Roles')
@Controller('api/roles')
export class RolesController {
  constructor(private readonly roles: RolesService) {}

  @Route({ at: 'school', access: { permissions: ['roles.view'] } })
  @Get()
  @ApiOperation({ summary: "This school's roles with their permissions (roles.view)" })
  @ApiOkResponse({ type: [RoleView] })
  list(): Promise<RoleView[]> {
    return this.roles.list();
  }

  @Route({ at: 'school', access: { permissions: ['roles.view'] } })
  @Get('permissions')
  @ApiOperation({ summary: 'Every permission a role can carry, grouped by module (roles.view)' })
  @ApiOkResponse({ type: [PermissionModuleView] })
  permissions(): PermissionModuleView[] {
    return this.roles.catalog();
  }

  @Route({
    at: 'school',
    access: { permissions: ['roles.create'] },
    errors: [roleNameTaken('Librarian'), unknownPermissions(['books.lend'])],
  })
  @Post()
  @ApiOperation({
    summary: 'Create a role (roles.create); you can only give it permissions you hold',
  })
  @ApiCreatedResponse({ type: RoleView })
  create(@Body() role: RoleDto): Promise<RoleView> {
    return this.roles.create(role);
  }

  @Route({
    at: 'school',
    access: { permissions: ['roles.update'] },
    errors: [
      roleNotFound,
      roleNameTaken('Librarian'),
      unknownPermissions(['books.lend']),
      ownerRoleProtected,
      systemRoleProtected('The system role "Student" cannot be renamed'),
    ],
  })
  @Put(':id')
  @ApiOperation({
    summary:
      "Replace a role's name, description and permissions (roles.update); system roles keep their names, Owner keeps every permission",
  })
  @ApiOkResponse({ type: RoleView })
  replace(@Param() params: RoleIdParams, @Body() role: RoleDto): Promise<RoleView> {
    return this.roles.replace(params.id, role);
  }

  @Route({
    at: 'school',
    access: { permissions: ['roles.delete'] },
    errors: [
      roleNotFound,
      ownerRoleProtected,
      systemRoleProtected('The system role "Student" cannot be deleted'),
    ],
  })
  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a custom role and its assignments (roles.delete)' })
  @ApiNoContentResponse()
  remove(@Param() params: RoleIdParams): Promise<void> {
    return this.roles.remove(params.id);
  }

  @Route({
    at: 'school',
    access: { permissions: ['roles.assign'] },
    errors: [roleNotFound, personNotFound, onlyOwnersManageOwners],
  })
  @Post(':id/assignments')
  @ApiOperation({
    summary:
      'Give a person of this school the role (roles.assign); only Owners make Owners, and you can only give a role whose permissions you hold',
  })
  @ApiCreatedResponse({ type: AssignmentView })
  assign(@Param() params: RoleIdParams, @Body() body: AssignRoleDto): Promise<AssignmentView> {
    return this.roles.assign(params.id, body.userId);
  }

  @Route({
    at: 'school',
    access: { permissions: ['roles.assign'] },
    errors: [roleNotFound, assignmentNotFound, lastOwner, onlyOwnersManageOwners],
  })
  @Delete(':id/assignments/:userId')
  @HttpCode(204)
  @ApiOperation({
    summary: 'Take the role away from a person (roles.assign); the last Owner cannot be removed',
  })
  @ApiNoContentResponse()
  unassign(@Param() params: AssignmentParams): Promise<void> {
    return this.roles.unassign(params.id, params.userId);
  }
}
