import { ValidationPipe, type ValidationError } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { type FieldProblem, validationFailed } from './app-error';

function flatten(errors: ValidationError[], prefix = ''): FieldProblem[] {
  return errors.flatMap((error) => {
    const field = prefix ? `${prefix}.${error.property}` : error.property;
    const own = error.constraints ? [{ field, problems: Object.values(error.constraints) }] : [];
    return [...own, ...flatten(error.children ?? [], field)];
  });
}

/** Validation at the edge: unknown fields refused, every problem named by its field. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    stopAtFirstError: false,
    exceptionFactory: (errors) => validationFailed(flatten(errors)),
  });
}

/**
 * The same validation for input that does not arrive over HTTP (the CLI's `tenants create`),
 * so a school made from a terminal passes exactly the rules of the registration endpoint.
 */
export async function validateInput<T extends object>(
  type: new () => T,
  input: Record<string, unknown>,
): Promise<T> {
  const value = plainToInstance(type, input);
  const errors = await validate(value, {
    whitelist: true,
    forbidNonWhitelisted: true,
    stopAtFirstError: false,
  });
  if (errors.length) throw validationFailed(flatten(errors));
  return value;
}
