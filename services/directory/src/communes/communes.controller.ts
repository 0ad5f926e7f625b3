import { Controller, Get, Param } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { Public } from '@relais/auth';
import { ApiProblems } from '../shared/problems';
import { CommuneView } from './communes.dto';
import { CommunesService } from './communes.service';

@ApiTags('communes')
@Controller('v1/communes')
export class CommunesController {
  constructor(private readonly communes: CommunesService) {}

  @Public()
  @Get(':code')
  @ApiOperation({ summary: 'Une commune : son EPCI, les réseaux locaux qui la couvrent et les lieux de l’annuaire' })
  @ApiParam({ name: 'code', example: '56260', description: 'Code INSEE' })
  @ApiOkResponse({ type: CommuneView })
  @ApiProblems(404)
  get(@Param('code') code: string): Promise<CommuneView> {
    return this.communes.get(code);
  }
}
