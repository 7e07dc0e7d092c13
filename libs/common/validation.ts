import { type ArgumentMetadata, ValidationPipe, type ValidationError } from '@nestjs/common';
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

/** How many distinct query strings (or path parameter sets) are remembered per class. */
const REMEMBERED_PER_CLASS = 1000;

type Remembered = Record<string, unknown>;

/**
 * A parsed query string or parameter set, not an instance of a class: Fastify's query parser
 * makes its objects from a prototype that itself has none.
 */
function isPlainObject(value: unknown): value is Remembered {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const prototype = Object.getPrototypeOf(value) as object | null;
  return prototype === null || Object.getPrototypeOf(prototype) === null;
}

/** A copy of a validated instance: its own fields, arrays copied, the class kept. */
function copyOf(instance: Remembered): Remembered {
  const copy = Object.create(Object.getPrototypeOf(instance) as object | null) as Remembered;
  for (const key of Object.keys(instance)) {
    const field = instance[key];
    copy[key] = Array.isArray(field) ? [...(field as unknown[])] : field;
  }
  return copy;
}

/**
 * class-transformer and class-validator walk a class's metadata on every call: for a list's
 * `?pageSize=20` that cost as much API CPU as reading the page. A query string or a set of
 * path parameters is small, repeats, and validates the same way every time (the rules are
 * pure), so the validated instance of each one seen recently is remembered per class and
 * handed out as a copy. Bodies are always validated afresh; refusals are never remembered.
 */
class RememberingValidationPipe extends ValidationPipe {
  private readonly remembered = new WeakMap<object, Map<string, Remembered>>();

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const type = metadata.metatype;
    if (
      (metadata.type !== 'query' && metadata.type !== 'param') ||
      !type ||
      !isPlainObject(value)
    ) {
      return super.transform(value, metadata);
    }
    let known = this.remembered.get(type);
    if (!known) this.remembered.set(type, (known = new Map()));
    const key = JSON.stringify(value);
    const hit = known.get(key);
    if (hit) return copyOf(hit);
    const validated: unknown = await super.transform(value, metadata);
    if (!isPlainObject(validated) && validated !== null && typeof validated === 'object') {
      if (known.size >= REMEMBERED_PER_CLASS) known.clear();
      known.set(key, copyOf(validated as Remembered));
    }
    return validated;
  }
}

/** Validation at the edge: unknown fields refused, every problem named by its field. */
export function createValidationPipe(): ValidationPipe {
  return new RememberingValidationPipe({
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
