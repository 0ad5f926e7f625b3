import { Body, Controller, Get, Param, ParseUUIDPipe, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Public, Roles, type Principal } from '@relais/auth';
import { ApiProblems } from '../shared/problems';
import { CreateNetworkInput, NetworkList, NetworkView, UpdateNetworkInput } from './network.dto';
import { NetworksService } from './networks.service';

@ApiTags('réseaux locaux')
@Controller('v1/networks')
export class NetworksController {
  constructor(private readonly networks: NetworksService) {}

  @Public()
  @Get()
  @ApiOperation({ summary: 'Les réseaux locaux du département' })
  @ApiOkResponse({ type: NetworkList })
  async list(): Promise<NetworkList> {
    return { items: await this.networks.list() };
  }

  @Public()
  @Get(':id')
  @ApiOperation({ summary: 'Un réseau local : communes couvertes, coordinateurs, délais' })
  @ApiOkResponse({ type: NetworkView })
  @ApiProblems(400, 404)
  get(@Param('id', ParseUUIDPipe) id: string): Promise<NetworkView> {
    return this.networks.get(id);
  }

  @ApiBearerAuth()
  @Roles('admin')
  @Post()
  @ApiOperation({ summary: 'Créer un réseau local (administrateur)' })
  @ApiCreatedResponse({ type: NetworkView })
  @ApiProblems(400, 401, 403)
  create(@CurrentPrincipal() principal: Principal, @Body() input: CreateNetworkInput): Promise<NetworkView> {
    return this.networks.create(principal, input);
  }

  @ApiBearerAuth()
  @Roles('admin', 'coordinator')
  @Patch(':id')
  @ApiOperation({ summary: 'Modifier un réseau local (administrateur, coordinateur du réseau)' })
  @ApiOkResponse({ type: NetworkView })
  @ApiProblems(400, 401, 403, 404)
  update(@CurrentPrincipal() principal: Principal, @Param('id', ParseUUIDPipe) id: string, @Body() input: UpdateNetworkInput): Promise<NetworkView> {
    return this.networks.update(principal, id, input);
  }
}
