import { Body, Controller, Get, Param, ParseUUIDPipe, Patch, Post, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Public, Roles, type Principal } from '@relais/auth';
import { ApiProblems } from '../shared/problems';
import { CreateLieuInput, LieuView, OpeningHoursInput, UpdateLieuInput } from './lieu.dto';
import { LieuxService } from './lieux.service';

@ApiTags('lieux')
@Controller('v1/lieux')
export class LieuxController {
  constructor(private readonly lieux: LieuxService) {}

  @Public()
  @Get(':id')
  @ApiOperation({ summary: 'Un lieu : adresse, position, horaires, accessibilité' })
  @ApiOkResponse({ type: LieuView })
  @ApiProblems(400, 404)
  get(@Param('id', ParseUUIDPipe) id: string): Promise<LieuView> {
    return this.lieux.get(id);
  }

  @ApiBearerAuth()
  @Roles('admin', 'coordinator')
  @Post()
  @ApiOperation({ summary: 'Ajouter un lieu à une structure (administrateur, coordinateur)' })
  @ApiCreatedResponse({ type: LieuView })
  @ApiProblems(400, 401, 403)
  create(@CurrentPrincipal() principal: Principal, @Body() input: CreateLieuInput): Promise<LieuView> {
    return this.lieux.create(principal, input);
  }

  @ApiBearerAuth()
  @Roles('admin', 'coordinator')
  @Patch(':id')
  @ApiOperation({ summary: 'Modifier un lieu (administrateur, coordinateur)' })
  @ApiOkResponse({ type: LieuView })
  @ApiProblems(400, 401, 403, 404)
  update(@CurrentPrincipal() principal: Principal, @Param('id', ParseUUIDPipe) id: string, @Body() input: UpdateLieuInput): Promise<LieuView> {
    return this.lieux.update(principal, id, input);
  }

  @ApiBearerAuth()
  @Put(':id/opening-hours')
  @ApiOperation({ summary: 'Changer les horaires d’un lieu (la structure elle-même, ou qui la gère)' })
  @ApiOkResponse({ type: LieuView })
  @ApiProblems(400, 401, 403, 404)
  setOpeningHours(@CurrentPrincipal() principal: Principal, @Param('id', ParseUUIDPipe) id: string, @Body() input: OpeningHoursInput): Promise<LieuView> {
    return this.lieux.setOpeningHours(principal, id, input);
  }
}
