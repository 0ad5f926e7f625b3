import { applyDecorators } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiProperty,
  ApiPropertyOptional,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';

class FieldErrorView {
  @ApiProperty({ example: 'openingHours' }) field!: string;
  @ApiProperty({ example: 'horaires illisibles (syntaxe OSM opening_hours) : …' }) message!: string;
}

/** RFC 9457 problem document, as every error of the API is served (application/problem+json). */
export class ProblemView {
  @ApiProperty({ example: 'urn:relais:problem:validation-error' }) type!: string;
  @ApiProperty({ example: 'Requête invalide' }) title!: string;
  @ApiProperty({ example: 400 }) status!: number;
  @ApiProperty({ example: 'La requête contient des données invalides.' }) detail!: string;
  @ApiProperty({ example: '/api/directory/v1/services' }) instance!: string;
  @ApiPropertyOptional() traceId?: string;
  @ApiPropertyOptional({ type: [FieldErrorView], description: 'Every invalid field, each with its reason' }) errors?: FieldErrorView[];
}

type ProblemStatus = 400 | 401 | 403 | 404 | 409;

const decorators: Record<ProblemStatus, () => MethodDecorator & ClassDecorator> = {
  400: () => ApiBadRequestResponse({ type: ProblemView, description: 'Paramètres ou corps invalides : chaque champ en erreur est listé' }),
  401: () => ApiUnauthorizedResponse({ type: ProblemView, description: 'Jeton absent ou invalide' }),
  403: () => ApiForbiddenResponse({ type: ProblemView, description: "L'appelant n'a pas le droit de modifier cette fiche" }),
  404: () => ApiNotFoundResponse({ type: ProblemView, description: 'Fiche introuvable' }),
  409: () => ApiConflictResponse({ type: ProblemView, description: 'La modification contredit une règle (ex. faire à la place sans habilitation)' }),
};

/** Documents the problem responses an operation may answer. */
export function ApiProblems(...statuses: ProblemStatus[]): MethodDecorator & ClassDecorator {
  return applyDecorators(...statuses.map((status) => decorators[status]()));
}
