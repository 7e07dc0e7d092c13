import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { SchoolScoped } from '@schoolyard/tenancy';
import {
  AssignmentParams,
  AssignmentView,
  AssignRoleDto,
  PermissionModuleView,
  RoleDto,
  RoleIdParams,
  RoleView,
} from './dto/roles.dto';
import { RequirePermissions } from './require-permissions.decorator';
import { RolesService } from './roles.service';

@ApiTags('Roles')
@ApiBearerAuth()
@SchoolScoped()
@Controller('api/roles')
export class RolesController {
  constructor(private readonly roles: RolesService) {}

  @Get()
  @RequirePermissions('roles.view')
  @ApiOperation({ summary: "This school's roles with their permissions (roles.view)" })
  @ApiOkResponse({ type: [RoleView] })
  list(): Promise<RoleView[]> {
    return this.roles.list();
  }

  @Get('permissions')
  @RequirePermissions('roles.view')
  @ApiOperation({ summary: 'Every permission a role can carry, grouped by module (roles.view)' })
  @ApiOkResponse({ type: [PermissionModuleView] })
  permissions(): PermissionModuleView[] {
    return this.roles.catalog();
  }

  @Post()
  @RequirePermissions('roles.create')
  @ApiOperation({
    summary: 'Create a role (roles.create); you can only give it permissions you hold',
  })
  @ApiCreatedResponse({ type: RoleView })
  create(@Body() role: RoleDto): Promise<RoleView> {
    return this.roles.create(role);
  }

  @Put(':id')
  @RequirePermissions('roles.update')
  @ApiOperation({
    summary:
      "Replace a role's name, description and permissions (roles.update); system roles keep their names, Owner keeps every permission",
  })
  @ApiOkResponse({ type: RoleView })
  replace(@Param() params: RoleIdParams, @Body() role: RoleDto): Promise<RoleView> {
    return this.roles.replace(params.id, role);
  }

  @Delete(':id')
  @HttpCode(204)
  @RequirePermissions('roles.delete')
  @ApiOperation({ summary: 'Delete a custom role and its assignments (roles.delete)' })
  @ApiNoContentResponse()
  remove(@Param() params: RoleIdParams): Promise<void> {
    return this.roles.remove(params.id);
  }

  @Post(':id/assignments')
  @RequirePermissions('roles.assign')
  @ApiOperation({
    summary:
      'Give a person of this school the role (roles.assign); only Owners make Owners, and you can only give a role whose permissions you hold',
  })
  @ApiCreatedResponse({ type: AssignmentView })
  assign(@Param() params: RoleIdParams, @Body() body: AssignRoleDto): Promise<AssignmentView> {
    return this.roles.assign(params.id, body.userId);
  }

  @Delete(':id/assignments/:userId')
  @HttpCode(204)
  @RequirePermissions('roles.assign')
  @ApiOperation({
    summary: 'Take the role away from a person (roles.assign); the last Owner cannot be removed',
  })
  @ApiNoContentResponse()
  unassign(@Param() params: AssignmentParams): Promise<void> {
    return this.roles.unassign(params.id, params.userId);
  }
}
