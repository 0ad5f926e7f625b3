import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, ParseUUIDPipe, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Public, Roles, type Principal } from '@relais/auth';
import { ApiProblems } from '../shared/problems';
import { CreateStructureInput, ReferentList, StructureView, UpdateStructureInput } from './structure.dto';
import { StructuresService } from './structures.service';

@ApiTags('structures')
@Controller('v1/structures')
export class StructuresController {
  constructor(private readonly structures: StructuresService) {}

  @Public()
  @Get(':id')
  @ApiOperation({ summary: 'Une structure, ses lieux et ses services' })
  @ApiOkResponse({ type: StructureView })
  @ApiProblems(400, 404)
  get(@Param('id', ParseUUIDPipe) id: string): Promise<StructureView> {
    return this.structures.get(id);
  }

  @ApiBearerAuth()
  @Get(':id/referents')
  @ApiOperation({ summary: 'Les référents de la structure (membres de ses réseaux)' })
  @ApiOkResponse({ type: ReferentList })
  @ApiProblems(400, 401, 403, 404)
  async referents(@CurrentPrincipal() principal: Principal, @Param('id', ParseUUIDPipe) id: string): Promise<ReferentList> {
    return { items: await this.structures.referents(principal, id) };
  }

  @ApiBearerAuth()
  @Roles('admin', 'coordinator')
  @Post()
  @ApiOperation({ summary: 'Créer une structure (administrateur, coordinateur d’un de ses réseaux)' })
  @ApiCreatedResponse({ type: StructureView })
  @ApiProblems(400, 401, 403)
  create(@CurrentPrincipal() principal: Principal, @Body() input: CreateStructureInput): Promise<StructureView> {
    return this.structures.create(principal, input);
  }

  @ApiBearerAuth()
  @Roles('admin', 'coordinator')
  @Patch(':id')
  @ApiOperation({ summary: 'Modifier une structure (administrateur, coordinateur)' })
  @ApiOkResponse({ type: StructureView })
  @ApiProblems(400, 401, 403, 404, 409)
  update(@CurrentPrincipal() principal: Principal, @Param('id', ParseUUIDPipe) id: string, @Body() input: UpdateStructureInput): Promise<StructureView> {
    return this.structures.update(principal, id, input);
  }

  @ApiBearerAuth()
  @Roles('admin', 'coordinator')
  @Delete(':id')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Retirer une structure de l’annuaire, avec ses lieux et services' })
  @ApiNoContentResponse()
  @ApiProblems(400, 401, 403, 404)
  retire(@CurrentPrincipal() principal: Principal, @Param('id', ParseUUIDPipe) id: string): Promise<void> {
    return this.structures.retire(principal, id);
  }

  @ApiBearerAuth()
  @Post(':id/verification')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Confirmer que la fiche, les services et les lieux de la structure sont à jour' })
  @ApiOkResponse({ type: StructureView })
  @ApiProblems(400, 401, 403, 404)
  verify(@CurrentPrincipal() principal: Principal, @Param('id', ParseUUIDPipe) id: string): Promise<StructureView> {
    return this.structures.verify(principal, id);
  }
}
