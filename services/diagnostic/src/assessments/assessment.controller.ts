import { Body, Controller, Get, Headers, Param, ParseUUIDPipe, Post, Res } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
  ApiUnauthorizedResponse,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { CurrentPrincipal, Roles, type Principal } from '@relais/auth';
import { ApiIdempotencyKey, idempotencyKeyOf, markReplayed } from '@relais/platform';
import type { Response } from 'express';
import { AssessmentReads } from './assessment-reads';
import { AssessmentService } from './assessment.service';
import { AssessmentView, PersonHistoryView } from './assessment.view';
import { CreateAssessmentDto } from './dto/create-assessment.dto';

const problem = { description: 'application/problem+json' };

/** Reading anything about a person takes a role: a token without one (or with another) gets 403. */
export const readerRoles = ['agent', 'integration', 'coordinator', 'admin'] as const;
const readerRolesProblem = { description: 'Rôle agent, integration, coordinator ou admin requis (problem+json)' };

@ApiTags('diagnostics')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ description: 'Jeton absent ou invalide (problem+json)' })
@Controller('v1')
export class AssessmentController {
  constructor(
    private readonly assessments: AssessmentService,
    private readonly reads: AssessmentReads,
  ) {}

  @Post('assessments')
  @Roles('agent', 'integration')
  @ApiOperation({
    summary: 'Faire un diagnostic : niveau d’autonomie, freins, démarches urgentes, rôles recommandés et services proposés',
    description:
      'Le consentement de la personne est exigé avant tout enregistrement. Toute réponse manquante ou invalide est listée dans la réponse 400. ' +
      'Sans `personRef`, une référence est délivrée pour la personne et renvoyée ; avec, la structure doit être liée à la personne : ' +
      'si le lien n’est pas encore connu, le service l’attend jusqu’à 2 s (enregistrement fait juste avant dans le service orientation), puis répond 404.',
  })
  @ApiIdempotencyKey('sans limite de durée')
  @ApiCreatedResponse({ type: AssessmentView, headers: { 'Idempotent-Replayed': { description: '`true` quand la réponse est rejouée (même Idempotency-Key)', schema: { type: 'string' } } } })
  @ApiBadRequestResponse({ description: 'Réponses incomplètes ou invalides, consentement absent : chaque problème est listé dans `errors` (problem+json)' })
  @ApiForbiddenResponse({ description: 'Rôle agent ou integration requis, rattaché à une structure (problem+json)' })
  @ApiNotFoundResponse({ description: 'Personne inconnue ou à laquelle la structure n’est pas liée — les deux cas sont indiscernables (problem+json)' })
  @ApiUnprocessableEntityResponse({ description: 'Idempotency-Key déjà utilisée pour une autre requête (problem+json)' })
  @ApiConflictResponse({ description: 'Une requête avec la même Idempotency-Key est en cours (problem+json)' })
  async create(
    @CurrentPrincipal() principal: Principal,
    @Body() body: CreateAssessmentDto,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<AssessmentView> {
    const { view, replayed, timings } = await this.assessments.create(principal, body, idempotencyKeyOf(idempotencyKey));
    // A replay answers as the first request did (201), marked as a replay: docs/integrators.md, "Retries".
    if (replayed) markReplayed(response);
    // Where the time went, for operators and the benchmark (W3C Server-Timing).
    response.setHeader('Server-Timing', Object.entries(timings).map(([phase, ms]) => `${phase};dur=${ms.toFixed(1)}`).join(', '));
    response.setHeader('Location', `/api/diagnostic/v1/assessments/${view.assessmentId}`);
    return view;
  }

  @Get('assessments/:assessmentId')
  @Roles(...readerRoles)
  @ApiOperation({
    summary: 'Lire un diagnostic',
    description:
      'Lisible par la structure qui l’a fait, par les structures vers lesquelles la personne a été orientée avec son accord de partage, ' +
      'et, sans référence de personne ni réponses, par les coordinateurs de son réseau local et les administrateurs. Sinon 404. ' +
      'Chaque lecture est inscrite au journal d’audit.',
  })
  @ApiParam({ name: 'assessmentId', format: 'uuid' })
  @ApiOkResponse({ type: AssessmentView })
  @ApiForbiddenResponse(readerRolesProblem)
  @ApiNotFoundResponse(problem)
  get(@CurrentPrincipal() principal: Principal, @Param('assessmentId', new ParseUUIDPipe()) assessmentId: string): Promise<AssessmentView> {
    return this.reads.get(principal, assessmentId);
  }

  @Get('persons/:personRef/assessments')
  @Roles(...readerRoles)
  @ApiOperation({
    summary: 'L’historique des diagnostics d’une personne et sa progression d’un diagnostic à l’autre',
    description:
      'Les diagnostics que la structure de l’appelant lit en entier (les siens, ceux partagés avec elle par consentement). ' +
      'Lecture pseudonymisée impossible par référence : 404 pour les coordinateurs et administrateurs. Chaque lecture est inscrite au journal d’audit.',
  })
  @ApiParam({ name: 'personRef', description: 'Référence pseudonyme de la personne' })
  @ApiOkResponse({ type: PersonHistoryView })
  @ApiForbiddenResponse(readerRolesProblem)
  @ApiNotFoundResponse(problem)
  history(@CurrentPrincipal() principal: Principal, @Param('personRef') personRef: string): Promise<PersonHistoryView> {
    return this.reads.history(principal, personRef);
  }
}
