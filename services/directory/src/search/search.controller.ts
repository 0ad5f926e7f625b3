import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public } from '@relais/auth';
import { ApiProblems } from '../shared/problems';
import { SearchPage, SearchQuery } from './search.dto';
import { SearchService } from './search.service';

@ApiTags('services')
@Controller('v1/services')
export class SearchController {
  constructor(private readonly search: SearchService) {}

  @Public()
  @Get()
  @ApiOperation({
    summary: 'Chercher les services : qui fait quoi, où, quand, pour qui',
    description:
      'Filtres combinés (et) ; plusieurs valeurs d’un même filtre : l’une ou l’autre. Tri : les services qui ont de la place, ' +
      'puis la distance (avec commune), puis le délai d’attente. Une valeur inconnue d’un paramètre énuméré est refusée (400).',
  })
  @ApiOkResponse({ type: SearchPage })
  @ApiProblems(400)
  find(@Query() query: SearchQuery): Promise<SearchPage> {
    return this.search.search(query);
  }
}
