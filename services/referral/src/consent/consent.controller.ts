import { Controller, HttpCode, HttpStatus, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Roles, type Principal } from '@relais/auth';
import { ApiProblems } from '@relais/platform';
import { ConsentView } from './consent.view';
import { ReferralIdPipe } from '../shared/params';
import { ConsentService } from './consent.service';

@ApiTags('consentement')
@ApiBearerAuth()
@Controller('v1/referrals/:id/consent')
export class ConsentController {
  constructor(private readonly consent: ConsentService) {}

  @Post('revocation')
  @HttpCode(HttpStatus.OK)
  @Roles('agent', 'integration')
  @ApiOperation({
    summary: 'Enregistrer le retrait du consentement de la personne',
    description: 'Effet immédiat : le service destinataire garde l’orientation mais ne voit plus les données personnelles. Rejouer la requête ne change rien.',
  })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ type: ConsentView })
  @ApiProblems(401, 403, 404)
  revoke(@CurrentPrincipal() principal: Principal, @Param('id', ReferralIdPipe) id: string): Promise<ConsentView> {
    return this.consent.revoke(principal, id);
  }
}
