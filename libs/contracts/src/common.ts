import { Type, type TLiteral, type TSchema, type TUnion } from '@sinclair/typebox';

export const Uuid = Type.String({ format: 'uuid' });
export const Timestamp = Type.String({ format: 'date-time', description: 'ISO 8601, UTC' });
export const CommuneCode = Type.String({ pattern: '^(\\d{5}|2[AB]\\d{3})$', description: 'Code INSEE de la commune' });

/**
 * The person as events know them: a pseudonymous reference, stable across agencies, from which no
 * name, phone, email, NIR or address can be read. Direct identifiers never travel on Kafka.
 */
export const PersonRef = Type.String({ minLength: 8, maxLength: 128, pattern: '^[A-Za-z0-9._:-]+$', description: 'Référence pseudonyme de la personne' });

/** What Relais issues as a person's reference: `p-` and 26 base32 characters (130 random bits). */
export const ISSUED_PERSON_REF = /^p-[a-z2-7]{26}$/;

/**
 * A new person reference: random, opaque, never derived from who the person is, so holding one proves
 * nothing and guessing one is hopeless. Only Relais issues them (referral's persons, or a diagnostic run
 * for someone not yet registered); clients never choose them.
 */
export function issuePersonRef(): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz234567';
  const bytes = globalThis.crypto.getRandomValues(new Uint8Array(26));
  let text = 'p-';
  for (const byte of bytes) text += alphabet[byte & 31];
  return text;
}

export const serviceRoles = ['diagnostic', 'orientation', 'formation', 'accompagnement', 'faire-a-la-place', 'equipement', 'acces-libre'] as const;
export const ServiceRole = literalUnion(serviceRoles);

export const actorRoles = ['agent', 'coordinator', 'admin', 'integration', 'system'] as const;

/** Who did something: a structure's agent, an integration, a coordinator, or the platform itself (SLA sweeps). */
export const Actor = Type.Object(
  {
    role: literalUnion(actorRoles),
    structureId: Type.Union([Uuid, Type.Null()]),
    subject: Type.String({ description: 'Identifiant technique du compte (sub du jeton), jamais un nom' }),
  },
  { additionalProperties: false },
);

/** A string enum as JSON Schema (anyOf of consts) whose static type is the union of the values. */
export function literalUnion<const V extends readonly string[]>(values: V, options: { description?: string } = {}): TUnion<TLiteral<V[number]>[]> {
  return Type.Union(values.map((value) => Type.Literal(value as V[number])), options);
}

export function strictObject<P extends Parameters<typeof Type.Object>[0]>(properties: P, description?: string) {
  return Type.Object(properties, { additionalProperties: false, ...(description ? { description } : {}) });
}

export type { TSchema };
