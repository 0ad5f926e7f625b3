import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, ParseUUIDPipe, Patch, Post, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Public, Roles, type Principal } from '@relais/auth';
import { ApiProblems } from '../shared/problems';
import { CapacityInput, CreateServiceInput, ServiceView, StatusInput, UpdateServiceInput } from './offer.dto';
import { OffersService } from './offers.service';

/** Services (offers) by id; the search over them (GET v1/services) is in search/. */
@ApiTags('services')
@Controller('v1/services')
export class OffersController {
  constructor(private readonly offers: OffersService) {}

  @Public()
  @Get(':id')
  @ApiOperation({ summary: 'Un service : rôles, publics, modalités, lieux et horaires, capacité, comment orienter' })
  @ApiOkResponse({ type: ServiceView })
  @ApiProblems(400, 404)
  get(@Param('id', ParseUUIDPipe) id: string): Promise<ServiceView> {
    return this.offers.get(id);
  }

  @ApiBearerAuth()
  @Roles('admin', 'coordinator')
  @Post()
  @ApiOperation({ summary: 'Créer un service (administrateur, coordinateur)' })
  @ApiCreatedResponse({ type: ServiceView })
  @ApiProblems(400, 401, 403)
  create(@CurrentPrincipal() principal: Principal, @Body() input: CreateServiceInput): Promise<ServiceView> {
    return this.offers.create(principal, input);
  }

  @ApiBearerAuth()
  @Roles('admin', 'coordinator')
  @Patch(':id')
  @ApiOperation({ summary: 'Modifier un service (administrateur, coordinateur)' })
  @ApiOkResponse({ type: ServiceView })
  @ApiProblems(400, 401, 403, 404)
  update(@CurrentPrincipal() principal: Principal, @Param('id', ParseUUIDPipe) id: string, @Body() input: UpdateServiceInput): Promise<ServiceView> {
    return this.offers.update(principal, id, input);
  }

  @ApiBearerAuth()
  @Put(':id/capacity')
  @ApiOperation({ summary: 'Mettre à jour places ouvertes et délai d’attente (la structure elle-même, ou qui la gère)' })
  @ApiOkResponse({ type: ServiceView })
  @ApiProblems(400, 401, 403, 404)
  setCapacity(@CurrentPrincipal() principal: Principal, @Param('id', ParseUUIDPipe) id: string, @Body() input: CapacityInput): Promise<ServiceView> {
    return this.offers.setCapacity(principal, id, input);
  }

  @ApiBearerAuth()
  @Put(':id/status')
  @ApiOperation({ summary: 'Ouvrir, suspendre jusqu’à une date ou fermer un service (la structure elle-même, ou qui la gère)' })
  @ApiOkResponse({ type: ServiceView })
  @ApiProblems(400, 401, 403, 404)
  setStatus(@CurrentPrincipal() principal: Principal, @Param('id', ParseUUIDPipe) id: string, @Body() input: StatusInput): Promise<ServiceView> {
    return this.offers.setStatus(principal, id, input);
  }

  @ApiBearerAuth()
  @Roles('admin', 'coordinator')
  @Delete(':id')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Retirer un service de l’annuaire' })
  @ApiNoContentResponse()
  @ApiProblems(400, 401, 403, 404)
  retire(@CurrentPrincipal() principal: Principal, @Param('id', ParseUUIDPipe) id: string): Promise<void> {
    return this.offers.retire(principal, id);
  }
}
