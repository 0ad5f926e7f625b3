import { Controller, Get, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Roles, type Principal } from '@relais/auth';
import { ApiProblems } from '@relais/platform';
import { ReferralIdPipe } from '../shared/params';
import { NoticeContactView } from './notice-contact.dto';
import { NoticeContacts } from './notice-contact.service';

@ApiTags('interne')
@Controller('internal/v1')
export class NoticeContactController {
  constructor(private readonly contacts: NoticeContacts) {}

  @Get('referrals/:id/notice-contact')
  @ApiBearerAuth()
  @Roles('notifier')
  @ApiOperation({
    summary: 'Où prévenir la personne d’une orientation (service de notification seulement)',
    description:
      'Réservé au rôle `notifier` (le compte client du service de notification ; aucune structure ne l’a). Rend le canal et l’adresse que la personne a choisis si son consentement couvre `contact` et que sa préférence est email ou sms, vérifiés au moment de la demande ; sinon channel et address à null. Chaque adresse rendue est écrite au journal d’audit.',
  })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ type: NoticeContactView })
  @ApiProblems(400, 401, 403, 404)
  find(@CurrentPrincipal() principal: Principal, @Param('id', ReferralIdPipe) id: string): Promise<NoticeContactView> {
    return this.contacts.find(principal, id);
  }
}
