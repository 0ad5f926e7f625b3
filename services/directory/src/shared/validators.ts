import { ValidateBy, type ValidationArguments, type ValidationOptions } from 'class-validator';
import { isCommuneCode } from '../communes/referentiel';
import { parseOpeningHours } from '../lieux/opening-hours';
import { isLanguageCode } from './vocabulary';

/** A current commune of INSEE's Code officiel géographique (@etalab/decoupage-administratif). */
export function IsCommuneCode(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isCommuneCode',
      validator: {
        validate: (value: unknown) => typeof value === 'string' && isCommuneCode(value),
        defaultMessage: (args) => `${args?.property ?? 'la valeur'} : « ${String(args?.value)} » n'est pas le code INSEE d'une commune actuelle`,
      },
    },
    options,
  );
}

/** An OSM opening_hours value the parser accepts; refused with the parser's own message. */
export function IsOpeningHours(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isOpeningHours',
      validator: {
        validate: (value: unknown) => typeof value === 'string' && parseOpeningHours(value).ok,
        defaultMessage: (args) => {
          if (typeof args?.value !== 'string') return 'les horaires doivent être une chaîne au format OSM opening_hours';
          const parsed = parseOpeningHours(args.value);
          return parsed.ok ? 'horaires valides' : `horaires illisibles (syntaxe OSM opening_hours) : ${parsed.message}`;
        },
      },
    },
    options,
  );
}

export function IsLanguageCode(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isLanguageCode',
      validator: {
        validate: (value: unknown) => typeof value === 'string' && isLanguageCode(value),
        defaultMessage: (args) => `« ${String(args?.value)} » n'est pas un code de langue ISO 639 connu (ex. fr, br, ar)`,
      },
    },
    options,
  );
}

/**
 * The message of an `@IsIn(list, { each: true })`: which values are unknown, and where the list is (the
 * vocabularies endpoint), so a caller fixes a typo or an old value without reading the source.
 */
export function unknownValues(field: string, allowed: readonly string[], list = field): (args: ValidationArguments) => string {
  return ({ value }) => {
    const sent: unknown[] = Array.isArray(value) ? value : [value];
    const unknown = sent.filter((item) => typeof item !== 'string' || !allowed.includes(item)).map((item) => JSON.stringify(item));
    return `${field} : valeur(s) inconnue(s) ${unknown.join(', ')} ; valeurs possibles : GET /api/directory/v1/vocabularies (${list})`;
  };
}
