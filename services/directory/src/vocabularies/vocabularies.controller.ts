import { Controller, Get, Header } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public } from '@relais/auth';
import { VocabulariesView } from './vocabularies.dto';
import { vocabularies, type Vocabularies } from './vocabularies';

@ApiTags('vocabulaires')
@Controller('v1/vocabularies')
export class VocabulariesController {
  @Public()
  @Get()
  // The lists change only with a release: a day in caches, revalidated by the ETag Express computes.
  @Header('Cache-Control', 'public, max-age=86400')
  @ApiOperation({
    summary: 'Les vocabulaires de l’annuaire : valeurs et libellés français',
    description:
      'Thématiques, types de services, publics, frais, modes d’accueil et de mobilisation des référentiels data·inclusion v1, et les rôles propres à Relais. ' +
      'Ce sont les seules valeurs acceptées par l’écriture, la recherche et les imports.',
    security: [],
  })
  @ApiOkResponse({ type: VocabulariesView, headers: { 'Cache-Control': { description: 'public, max-age=86400', schema: { type: 'string' } } } })
  list(): Vocabularies {
    return vocabularies;
  }
}
