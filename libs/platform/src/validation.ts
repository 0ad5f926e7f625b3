import { ValidationPipe, type ValidationError as ClassValidatorError } from '@nestjs/common';
import { ValidateIf } from 'class-validator';
import { ValidationError, type FieldError } from './domain-error';

/** Flattens class-validator's tree into dotted field paths, one entry per broken rule. */
export function fieldErrors(errors: ClassValidatorError[], prefix = ''): FieldError[] {
  return errors.flatMap((error) => {
    const field = prefix ? `${prefix}.${error.property}` : error.property;
    const own = Object.entries(error.constraints ?? {}).map(([rule, message]) => ({
      field,
      message: rule === 'whitelistValidation' ? `le champ « ${field} » n'est pas autorisé` : message,
    }));
    return [...own, ...fieldErrors(error.children ?? [], field)];
  });
}

/**
 * Bodies and queries are validated against their DTO classes; unknown fields are refused
 * (not silently dropped) so that an integrator's typo is seen at once.
 */
export function relaisValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => new ValidationError(fieldErrors(errors)),
  });
}

/**
 * A body field that may be left out but is never `null`. class-validator's `@IsOptional()` skips the
 * field's validators for `null` as well as for a missing value, so `"referents": null` reached the code
 * as null and ended in a 500 (a TypeError on `.map`). With this, `null` goes through the field's own
 * validators and is refused with a 400 naming it. Use `@IsOptional()` only where the API documents null.
 */
export function IsOmittable(): PropertyDecorator {
  return ValidateIf((_object: object, value: unknown) => value !== undefined);
}
