import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiForbiddenResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Roles, type Principal } from '@relais/auth';
import { ActivityQuery, ActivityRow } from './activity.dto';
import { ActivityService } from './activity.service';

@ApiTags('activité')
@ApiBearerAuth()
@Controller('v1/activity')
export class ActivityController {
  constructor(private readonly activity: ActivityService) {}

  @Get()
  @Roles('coordinator', 'admin')
  @ApiOperation({ summary: 'Événements par jour, type et réseau local (coordinateurs : leurs réseaux)' })
  @ApiOkResponse({ type: [ActivityRow] })
  @ApiForbiddenResponse({ description: 'Rôle coordinateur ou administrateur requis, ou réseau d’un autre' })
  daily(@Query() query: ActivityQuery, @CurrentPrincipal() principal: Principal): Promise<ActivityRow[]> {
    return this.activity.daily(query, principal);
  }
}
