import { applyDecorators } from '@nestjs/common';
import { ApiExtraModels, ApiProperty, ApiPropertyOptional, ApiResponse, getSchemaPath } from '@nestjs/swagger';

export class FieldErrorView {
  @ApiProperty({ example: 'receivingServiceId' }) field!: string;
  @ApiProperty({ example: 'doit être un UUID' }) message!: string;
}

/** RFC 9457 problem document, as the platform's filter serves every error (OpenAPI description only). */
export class ProblemView {
  @ApiProperty({ example: 'urn:relais:problem:validation-error' }) type!: string;
  @ApiProperty({ example: 'Requête invalide' }) title!: string;
  @ApiProperty({ example: 400 }) status!: number;
  @ApiProperty({ example: 'La requête contient des données invalides.' }) detail!: string;
  @ApiProperty({ example: '/api/referral/v1/referrals' }) instance!: string;
  @ApiPropertyOptional() traceId?: string;
  @ApiPropertyOptional({ type: [FieldErrorView], description: 'Chaque champ en erreur, avec sa raison (400)' }) errors?: FieldErrorView[];
  @ApiPropertyOptional({ description: 'Statut actuel (409 illegal-transition)' }) currentStatus?: string;
  @ApiPropertyOptional({ description: "Statuts où l'appelant peut faire passer la ressource (409, 403)", type: [String] }) allowedStatuses?: string[];
}

export type ProblemStatus = 400 | 401 | 403 | 404 | 409 | 413 | 422;

const defaultDescriptions: Record<ProblemStatus, string> = {
  400: 'Requête invalide (champs inconnus ou mal formés, listés dans `errors`)',
  401: 'Jeton absent, invalide ou expiré',
  403: "Le rôle ou la partie de l'appelant ne permet pas cette action",
  404: "Introuvable, ou invisible pour l'appelant",
  409: 'Conflit avec l’état actuel (transition interdite, requête de même clé d’idempotence en cours…)',
  413: 'Requête trop volumineuse (corps ou fichier au-delà de la limite)',
  422: 'Requête bien formée mais impossible à traiter (service inconnu, clé d’idempotence réutilisée…)',
};

/**
 * The `ApiProblems(...statuses)` decorator of a service, documenting the problem+json responses of an operation
 * (or of every operation of a controller). A service may say what a status means for it in `descriptions`.
 */
export function problemResponses(descriptions: Partial<Record<ProblemStatus, string>> = {}): (...statuses: ProblemStatus[]) => MethodDecorator & ClassDecorator {
  return (...statuses) =>
    applyDecorators(
      ApiExtraModels(ProblemView),
      ...statuses.map((status) =>
        ApiResponse({
          status,
          description: descriptions[status] ?? defaultDescriptions[status],
          content: { 'application/problem+json': { schema: { $ref: getSchemaPath(ProblemView) } } },
        }),
      ),
    );
}

/** Documents the problem+json responses of an operation with the platform's descriptions. */
export const ApiProblems = problemResponses();
