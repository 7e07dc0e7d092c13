import { registerDecorator, type ValidationArguments } from 'class-validator';

/**
 * A class-validator decorator from a predicate, for rules that live in the domain (a
 * subdomain's format, a time zone): the problem is reported with the DTO's other fields.
 */
export function Satisfies(
  name: string,
  test: (value: unknown) => boolean,
  message: string | ((args: ValidationArguments) => string),
) {
  return (target: object, property: string) =>
    registerDecorator({
      name,
      target: target.constructor,
      propertyName: property,
      validator: {
        validate: test,
        defaultMessage: (args) => (typeof message === 'string' ? message : message(args!)),
      },
    });
}
