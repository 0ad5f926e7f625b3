import { Body, Controller, Delete, Get, Param, Post, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiParam, ApiProperty, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Roles, type Principal } from '@relais/auth';
import { ApiProblems, NotFoundError } from '@relais/platform';
import { PERSON_REF_PATTERN } from './person.dto';
import type { Response } from 'express';
import { ErasureService, type ErasureResult } from './erasure.service';
import { PersonRecordView, RegisterPersonDto } from './person.dto';
import { PersonRegistry } from './person-registry';

class ErasureView implements ErasureResult {
  @ApiProperty() personReference!: string;
  @ApiProperty({ description: 'Orientations dont les données personnelles ont été effacées (elles restent comptées)' }) referralsErased!: number;
  @ApiProperty({ format: 'date-time' }) erasedAt!: string;
}

@ApiTags('personnes')
@ApiBearerAuth()
@Controller('v1/persons')
export class PersonsController {
  constructor(
    private readonly registry: PersonRegistry,
    private readonly erasure: ErasureService,
  ) {}

  @Post()
  @Roles('agent', 'integration')
  @ApiOperation({
    summary: 'Enregistrer une personne pour votre structure',
    description:
      'Relais émet la référence de la personne (opaque, aléatoire) : 201 avec la référence. Avec `externalId` (votre numéro de dossier), le même numéro envoyé par votre structure rend la même personne (200, rien n’est modifié) ; il n’est jamais montré aux autres structures. Seules les structures liées à la personne (qui l’ont enregistrée, orientée, reçue ou diagnostiquée) peuvent utiliser sa référence.',
  })
  @ApiCreatedResponse({ type: PersonRecordView })
  @ApiOkResponse({ type: PersonRecordView, description: 'La personne que cet externalId désigne déjà' })
  @ApiProblems(400, 401, 403, 409)
  async register(
    @CurrentPrincipal() principal: Principal,
    @Body() body: RegisterPersonDto,
    @Res({ passthrough: true }) response: Response,
  ): Promise<PersonRecordView> {
    const { person, created } = await this.registry.register(principal, body);
    response.status(created ? 201 : 200);
    response.setHeader('Location', `/api/referral/v1/persons/${person.reference}`);
    return person;
  }

  @Get(':personReference')
  @Roles('agent', 'integration')
  @ApiOperation({
    summary: 'Une personne que votre structure connaît',
    description: 'Ses coordonnées et votre numéro de dossier ; 404 si votre structure n’est pas liée à la personne. La lecture est inscrite au journal d’audit.',
  })
  @ApiParam({ name: 'personReference', description: 'Référence de la personne, émise par Relais' })
  @ApiOkResponse({ type: PersonRecordView })
  @ApiProblems(401, 403, 404)
  read(@CurrentPrincipal() principal: Principal, @Param('personReference') personReference: string): Promise<PersonRecordView> {
    if (!PERSON_REF_PATTERN.test(personReference)) throw new NotFoundError('Personne');
    return this.registry.read(principal, personReference);
  }

  @Delete(':personReference')
  @Roles('agent', 'integration', 'admin')
  @ApiOperation({
    summary: 'Effacer une personne (droit à l’effacement)',
    description:
      'Supprime la clé de la personne (ses coordonnées deviennent illisibles pour toujours), efface les textes libres et ses diagnostics, dans chaque service ; les orientations restent, pseudonymes, pour que les comptes restent justes. Réservé aux structures liées à la personne (qui l’ont enregistrée, orientée, reçue ou diagnostiquée) et à l’administration du département (DPO) ; 404 pour toute autre.',
  })
  @ApiParam({ name: 'personReference', description: 'Référence pseudonyme de la personne' })
  @ApiOkResponse({ type: ErasureView })
  @ApiProblems(401, 403, 404)
  erase(@CurrentPrincipal() principal: Principal, @Param('personReference') personReference: string): Promise<ErasureResult> {
    if (!PERSON_REF_PATTERN.test(personReference)) throw new NotFoundError('Personne');
    return this.erasure.erase(principal, personReference);
  }
}
