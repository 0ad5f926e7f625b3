import { applyDecorators } from '@nestjs/common';
import { ApiExtraModels, ApiProperty, ApiPropertyOptional, ApiResponse, getSchemaPath } from '@nestjs/swagger';

/** RFC 9457 problem document as the platform's filter writes it (OpenAPI description only). */
export class ProblemView {
  @ApiProperty({ example: 'urn:relais:problem:illegal-transition' }) type!: string;
  @ApiProperty({ example: 'Transition interdite' }) title!: string;
  @ApiProperty({ example: 409 }) status!: number;
  @ApiProperty({ example: "Impossible de passer de « completed » à « accepted »." }) detail!: string;
  @ApiProperty({ example: '/api/referral/v1/referrals/6f1c2b7e-4d0a-4c9e-9a51-3b2f8f0e1a01/transitions' }) instance!: string;
  @ApiPropertyOptional() traceId?: string;
  @ApiPropertyOptional({ description: 'Erreurs par champ (400)', type: 'array', items: { type: 'object', properties: { field: { type: 'string' }, message: { type: 'string' } } } })
  errors?: Array<{ field: string; message: string }>;
  @ApiPropertyOptional({ description: 'Statut actuel (409 illegal-transition)' }) currentStatus?: string;
  @ApiPropertyOptional({ description: "Statuts où l'appelant peut faire passer l'orientation (409, 403)", type: [String] }) allowedStatuses?: string[];
}

const descriptions: Record<number, string> = {
  400: 'Requête invalide (champs inconnus ou mal formés, listés dans `errors`)',
  401: 'Jeton absent, invalide ou expiré',
  403: "Le rôle ou la partie de l'appelant ne permet pas cette action",
  404: "Introuvable, ou invisible pour l'appelant",
  409: 'Transition interdite depuis le statut actuel',
  422: 'Requête bien formée mais impossible à traiter (service inconnu, clé d’idempotence réutilisée…)',
};

/** Documents the problem+json responses of an operation. */
export function ApiProblems(...statuses: Array<keyof typeof descriptions>): MethodDecorator {
  return applyDecorators(
    ApiExtraModels(ProblemView),
    ...statuses.map((status) =>
      ApiResponse({
        status,
        description: descriptions[status],
        content: { 'application/problem+json': { schema: { $ref: getSchemaPath(ProblemView) } } },
      }),
    ),
  );
}
