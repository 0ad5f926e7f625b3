import { createHash } from 'node:crypto';
import { applyDecorators } from '@nestjs/common';
import { ApiHeader } from '@nestjs/swagger';
import { problemResponses } from './api-problems';
import { canonicalJson } from './canonical-json';
import { DomainError } from './domain-error';

/**
 * `Idempotency-Key`, the same rules in every service (docs/integrators.md, "Retries"): a key of 1 to 255
 * visible ASCII characters belongs to its caller (`callerKey` of @relais/auth); the same key with the same
 * body answers the original status and body with `Idempotent-Replayed: true`; with another body, 422
 * `idempotency-key-reused`; while the first request is still running, 409. Each service stores its keys in
 * its own database: this file holds the HTTP side only.
 */
export const IDEMPOTENCY_KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;
export const IDEMPOTENT_REPLAYED_HEADER = 'Idempotent-Replayed';

/** The request's key, checked against the one rule; `undefined` when the caller sent none. */
export function idempotencyKeyOf(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  if (!IDEMPOTENCY_KEY_PATTERN.test(header)) {
    throw new DomainError('validation-error', "L'en-tête Idempotency-Key doit compter 1 à 255 caractères ASCII visibles.", {
      errors: [{ field: 'header.idempotency-key', message: '1 à 255 caractères ASCII visibles' }],
    });
  }
  return header;
}

/** A stable fingerprint of a request body: the same JSON with keys in another order is the same request. */
export function requestFingerprint(body: unknown): string {
  return createHash('sha256').update(canonicalJson(body)).digest('hex');
}

/** 422: the key already served a request with another body. `what` names what a new key would create. */
export function idempotencyKeyReused(what: string): DomainError {
  return new DomainError('idempotency-key-reused', `Cette clé d'idempotence a déjà servi pour une autre requête : utilisez une nouvelle clé pour ${what}.`);
}

/** 409: the first request with this key has not answered yet. */
export function idempotencyKeyInFlight(): DomainError {
  return new DomainError('conflict', 'Une requête avec la même clé d’idempotence est en cours ; réessayez dans un instant.');
}

/** Marks a replayed answer; its status stays the original one (201 for a creation). */
export function markReplayed(response: { setHeader(name: string, value: string): unknown }): void {
  response.setHeader(IDEMPOTENT_REPLAYED_HEADER, 'true');
}

/**
 * Documents the header and the replay rule on a creating operation, and its 409 (the operation declares
 * its own 422, whose wording says what else makes it unprocessable).
 */
export function ApiIdempotencyKey(retention: string): MethodDecorator {
  return applyDecorators(
    problemResponses({ 409: 'Une requête avec la même clé d’idempotence est encore en cours : réessayer dans un instant' })(409),
    ApiHeader({
      name: 'Idempotency-Key',
      required: false,
      description: `Clé choisie par l’appelant (1 à 255 caractères ASCII visibles), propre à l’appelant, retenue ${retention}. Même clé et même corps : la réponse d’origine, avec \`Idempotent-Replayed: true\` ; autre corps : 422 ; requête encore en cours : 409.`,
    }),
  );
}
