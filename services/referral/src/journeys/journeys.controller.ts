import { Controller, Get, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, type Principal } from '@relais/auth';
import { ApiProblems, NotFoundError } from '@relais/platform';
import { PERSON_REF_PATTERN } from '../persons/person.dto';
import type { Journey } from './journey-builder';
import { JourneyView } from './journey.dto';
import { JourneysService } from './journeys.service';

@ApiTags('parcours')
@ApiBearerAuth()
@Controller('v1/journeys')
export class JourneysController {
  constructor(private readonly journeys: JourneysService) {}

  @Get(':personReference')
  @ApiOperation({
    summary: 'Le parcours d’une personne entre les structures',
    description:
      'Diagnostics, orientations, chaque transition et le temps passé dans chaque statut, dans l’ordre du temps, avec les ruptures de continuité. Sans identifiant direct ; la lecture est inscrite au journal d’audit.',
  })
  @ApiParam({ name: 'personReference', description: 'Référence pseudonyme de la personne' })
  @ApiOkResponse({ type: JourneyView })
  @ApiProblems(401, 404)
  journey(@CurrentPrincipal() principal: Principal, @Param('personReference') personReference: string): Promise<Journey> {
    if (!PERSON_REF_PATTERN.test(personReference)) throw new NotFoundError('Parcours');
    return this.journeys.journey(principal, personReference);
  }
}
