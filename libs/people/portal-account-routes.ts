import { Body, Get, HttpCode, Param, Post, type Type } from '@nestjs/common';
import { PARAMTYPES_METADATA } from '@nestjs/common/constants.js';
import { ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { type Permission, Route } from '@schoolyard/common';
import {
  ActivationView,
  CredentialSlipView,
  DeactivationView,
  IdParams,
  PasswordResetView,
} from './dto/person.dto';
import {
  accountHeldByHolder,
  activatedMeanwhile,
  lastOwnerAccount,
  noPortalAccount,
  personNotFound,
} from './people.errors';
import { PortalAccountControls } from './portal-account-controls.service';
import { type PortalKind } from './portal-accounts.repository';
import { PortalActivation } from './portal-activation.service';

/** What sets one kind's portal-account routes apart from another's. */
export interface PortalAccountKind<IdsBody> {
  kind: PortalKind;
  /** Needed by every one of these routes. */
  permission: Permission;
  /** One person of the kind, as errors and summaries name them; the plural adds an s. */
  noun: Parameters<typeof personNotFound>[0];
  /** Activation's path below the controller's. */
  activationPath: string;
  /** The body of activation and deactivation: the ids under the kind's own field name. */
  idsBody: Type<IdsBody>;
  ids: (body: IdsBody) => readonly string[];
  /** The summaries that are worded differently per kind (the others follow the noun). */
  summaries: { activate: string; slips: string };
}

/**
 * TypeScript records a type parameter as Object, while the global validation pipe and the
 * OpenAPI document take a parameter's class from `design:paramtypes`: this names the class,
 * so `@Body()` is validated and documented exactly as with a declared DTO type.
 */
function ParameterTypes(...types: Type[]): MethodDecorator {
  return (target, property) => Reflect.defineMetadata(PARAMTYPES_METADATA, types, target, property);
}

/**
 * The portal-account routes of one kind of person, for its controller to extend:
 * `POST <activationPath>`, `POST portal-deactivation`, `POST :id/reset-password` and
 * `GET credential-distribution`, all under `<kind>.activate`. Only the table differs per kind;
 * operation ids stay `<Controller>_<method>` (Swagger names them after the instance's class),
 * and TenantTransactionBinding and the route listing walk the prototype chain to find them.
 */
export function PortalAccountRoutes<IdsBody>(spec: PortalAccountKind<IdsBody>) {
  abstract class PortalAccountRoutesOfKind {
    constructor(
      protected readonly activation: PortalActivation,
      protected readonly accounts: PortalAccountControls,
    ) {}

    @Route({
      at: 'school',
      access: { permissions: [spec.permission] },
      transaction: 'manual',
      errors: [activatedMeanwhile],
    })
    @Post(spec.activationPath)
    @HttpCode(200)
    @ApiOperation({ summary: spec.summaries.activate })
    @ApiOkResponse({ type: ActivationView })
    @ParameterTypes(spec.idsBody)
    activate(@Body() body: IdsBody): Promise<ActivationView> {
      return this.activation.activate(spec.kind, spec.ids(body));
    }

    @Route({
      at: 'school',
      access: { permissions: [spec.permission] },
      errors: [lastOwnerAccount, activatedMeanwhile],
    })
    @Post('portal-deactivation')
    @HttpCode(200)
    @ApiOperation({
      summary: `Close ${spec.noun}s' portal accounts in this school (all or nothing); their records stay and activation can give them new accounts`,
    })
    @ApiOkResponse({ type: DeactivationView })
    @ParameterTypes(spec.idsBody)
    deactivate(@Body() body: IdsBody): Promise<DeactivationView> {
      return this.accounts.deactivate(spec.kind, spec.ids(body));
    }

    @Route({
      at: 'school',
      access: { permissions: [spec.permission] },
      transaction: 'manual',
      errors: [
        personNotFound(spec.noun),
        noPortalAccount,
        accountHeldByHolder('consented'),
        accountHeldByHolder('registered'),
        activatedMeanwhile,
      ],
    })
    @Post(':id/reset-password')
    @HttpCode(200)
    @ApiOperation({
      summary: `A new temporary password for a ${spec.noun}'s account made by this school; every session of it ends`,
    })
    @ApiOkResponse({ type: PasswordResetView })
    resetPassword(@Param() params: IdParams): Promise<PasswordResetView> {
      return this.accounts.resetPassword(spec.kind, params.id);
    }

    @Route({ at: 'school', access: { permissions: [spec.permission] }, revealsSecrets: true })
    @Get('credential-distribution')
    @ApiOperation({ summary: spec.summaries.slips })
    @ApiOkResponse({ type: [CredentialSlipView] })
    slips(): Promise<CredentialSlipView[]> {
      return this.activation.credentialSlips(spec.kind);
    }
  }
  return PortalAccountRoutesOfKind;
}
