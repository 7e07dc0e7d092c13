import { applyDecorators } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiForbiddenResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';

/** The refusals every signed-in people route can give, in the shared error shape. */
export const PeopleRouteRefusals = () =>
  applyDecorators(
    ApiBadRequestResponse({ description: 'VALIDATION_FAILED: the id or the body is not valid' }),
    ApiUnauthorizedResponse({ description: 'Not signed in at this school' }),
    ApiForbiddenResponse({
      description: 'FORBIDDEN: a permission is missing (details.missingPermissions)',
    }),
  );
