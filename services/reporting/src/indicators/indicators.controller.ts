import { Controller, Get, Param, ParseUUIDPipe, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Roles, type Principal } from '@relais/auth';
import { problemResponses } from '@relais/platform';
import { ContinuityView, CoverageQuery, CoverageView, DelaysView, DiagnosticQuery, DiagnosticView, FunnelQuery, FunnelView, PeriodQuery, StructuresView } from './indicators.dto';
import { IndicatorsService } from './indicators.service';

const ApiProblems = problemResponses({
  400: 'Période ou filtre invalide (champs nommés dans `errors`), période de plus d’un an, filtres incompatibles',
  403: 'Rôle sans accès aux indicateurs',
  404: 'Réseau inconnu, ou qui n’est pas celui du coordinateur ; structure qui n’est pas celle de l’agent',
});
const networkParam = ApiParam({ name: 'networkId', format: 'uuid', description: 'Le réseau local' });

/**
 * The figures of one local network. Counts of 1 to 4 (and rates or delays computed on fewer than 5) are null for
 * everyone but the structure reading its own figures.
 */
@ApiTags('indicateurs')
@ApiBearerAuth()
@ApiProblems(400, 401, 403, 404)
@Controller('v1/networks/:networkId')
export class IndicatorsController {
  constructor(private readonly indicators: IndicatorsService) {}

  @Get('funnel')
  @Roles('coordinator', 'admin', 'agent', 'integration')
  @networkParam
  @ApiOperation({ summary: 'Entonnoir : orientations ayant atteint chaque statut dans la période' })
  @ApiOkResponse({ type: FunnelView })
  funnel(@Param('networkId', ParseUUIDPipe) networkId: string, @Query() query: FunnelQuery, @CurrentPrincipal() principal: Principal): Promise<FunnelView> {
    return this.indicators.funnel(networkId, query, principal);
  }

  @Get('delays')
  @Roles('coordinator', 'admin', 'agent', 'integration')
  @networkParam
  @ApiOperation({ summary: 'Délais (accusé, acceptation, premier contact, fin) : médiane, 9e décile, part dans le délai ; en retard maintenant' })
  @ApiOkResponse({ type: DelaysView })
  delays(@Param('networkId', ParseUUIDPipe) networkId: string, @Query() query: PeriodQuery, @CurrentPrincipal() principal: Principal): Promise<DelaysView> {
    return this.indicators.delays(networkId, query, principal);
  }

  @Get('continuity')
  @Roles('coordinator', 'admin', 'agent', 'integration')
  @networkParam
  @ApiOperation({ summary: 'Continuité des parcours : ruptures, sorties par étape et par structure, autonomie, motifs de refus' })
  @ApiOkResponse({ type: ContinuityView })
  continuity(@Param('networkId', ParseUUIDPipe) networkId: string, @Query() query: PeriodQuery, @CurrentPrincipal() principal: Principal): Promise<ContinuityView> {
    return this.indicators.continuity(networkId, query, principal);
  }

  @Get('structures')
  @Roles('coordinator', 'admin', 'agent', 'integration')
  @networkParam
  @ApiOperation({ summary: 'Structures destinataires : reçues, acceptation, délai d’accusé, capacité déclarée' })
  @ApiOkResponse({ type: StructuresView })
  structures(@Param('networkId', ParseUUIDPipe) networkId: string, @Query() query: PeriodQuery, @CurrentPrincipal() principal: Principal): Promise<StructuresView> {
    return this.indicators.structures(networkId, query, principal);
  }

  @Get('coverage')
  @Roles('coordinator', 'admin')
  @networkParam
  @ApiOperation({ summary: 'Couverture : pour chaque commune du réseau et chaque rôle, un lieu à portée ; demande de la commune' })
  @ApiOkResponse({ type: CoverageView })
  coverage(@Param('networkId', ParseUUIDPipe) networkId: string, @Query() query: CoverageQuery, @CurrentPrincipal() principal: Principal): Promise<CoverageView> {
    return this.indicators.coverage(networkId, query, principal);
  }

  @Get('diagnostic')
  @Roles('coordinator', 'admin')
  @networkParam
  @ApiOperation({ summary: 'Profil des diagnostics : niveaux et freins, par commune' })
  @ApiOkResponse({ type: DiagnosticView })
  diagnostic(@Param('networkId', ParseUUIDPipe) networkId: string, @Query() query: DiagnosticQuery, @CurrentPrincipal() principal: Principal): Promise<DiagnosticView> {
    return this.indicators.diagnostic(networkId, query, principal);
  }
}
