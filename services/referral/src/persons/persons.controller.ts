import { Controller, Delete, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiParam, ApiProperty, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Roles, type Principal } from '@relais/auth';
import { NotFoundError } from '@relais/platform';
import { PERSON_REF_PATTERN } from '../referrals/referral.dto';
import { ApiProblems } from '../shared/api-problems';
import { ErasureService, type ErasureResult } from './erasure.service';

class ErasureView implements ErasureResult {
  @ApiProperty() personReference!: string;
  @ApiProperty({ description: 'Orientations dont les données personnelles ont été effacées (elles restent comptées)' }) referralsErased!: number;
  @ApiProperty({ format: 'date-time' }) erasedAt!: string;
}

@ApiTags('personnes')
@ApiBearerAuth()
@Controller('v1/persons')
export class PersonsController {
  constructor(private readonly erasure: ErasureService) {}

  @Delete(':personReference')
  @Roles('agent', 'integration', 'admin')
  @ApiOperation({
    summary: 'Effacer une personne (droit à l’effacement)',
    description:
      'Supprime la clé de la personne (ses coordonnées deviennent illisibles pour toujours), efface les textes libres ; les orientations restent, pseudonymes, pour que les comptes restent justes. Réservé aux structures qui ont envoyé ou reçu une de ses orientations, et à l’administration du département.',
  })
  @ApiParam({ name: 'personReference', description: 'Référence pseudonyme de la personne' })
  @ApiOkResponse({ type: ErasureView })
  @ApiProblems(401, 403, 404)
  erase(@CurrentPrincipal() principal: Principal, @Param('personReference') personReference: string): Promise<ErasureResult> {
    if (!PERSON_REF_PATTERN.test(personReference)) throw new NotFoundError('Personne');
    return this.erasure.erase(principal, personReference);
  }
}
