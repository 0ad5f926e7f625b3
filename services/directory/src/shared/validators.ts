import { ValidateBy, type ValidationOptions } from 'class-validator';
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
