/**
 * Query strings carry text only: these turn it into what the DTO declares, for `@Transform(...)`. Anything
 * else is left as sent, so the validators that follow name the field.
 */

/** `true` and `false` (and nothing else) become booleans. */
export const booleanFromQuery = ({ value }: { value: unknown }): unknown => (value === 'true' ? true : value === 'false' ? false : value);

/** `a=x&a=y` and `a=x,y` both give ['x', 'y']; an empty parameter is no filter. */
export const listFromQuery = ({ value }: { value: unknown }): unknown => {
  if (value === undefined || value === null || value === '') return undefined;
  const values: unknown[] = Array.isArray(value) ? (value as unknown[]) : [value];
  return values
    .flatMap((v): unknown[] => (typeof v === 'string' ? v.split(',') : [v]))
    .map((v): unknown => (typeof v === 'string' ? v.trim() : v))
    .filter((v) => v !== '');
};
