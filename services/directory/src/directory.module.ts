import { Module, type DynamicModule } from '@nestjs/common';
import { CommunesController } from './communes/communes.controller';
import { CommunesService } from './communes/communes.service';
import { CommuneCoordinatesImporter } from './communes/commune-coordinates.importer';
import { DIRECTORY_OPTIONS, type DirectoryOptions } from './config';
import { FreshnessService } from './freshness/freshness.service';
import { ImportsController } from './imports/imports.controller';
import { ImportsService } from './imports/imports.service';
import { HsdsExporter } from './imports/hsds-export';
import { DataInclusionExporter } from './exports/data-inclusion-export';
import { ExportsController } from './exports/exports.controller';
import { LmnExporter } from './exports/lieux-mediation-numerique-export';
import { LieuxController } from './lieux/lieux.controller';
import { LieuxService } from './lieux/lieux.service';
import { OpeningIntervals } from './lieux/opening-intervals';
import { NetworksController } from './networks/networks.controller';
import { NetworksService } from './networks/networks.service';
import { OffersController } from './offers/offers.controller';
import { OffersService } from './offers/offers.service';
import { SearchController } from './search/search.controller';
import { SearchIndex } from './search/search-index';
import { SearchService } from './search/search.service';
import { SeedService } from './seed/seed.service';
import { SyntheticSeeder } from './seed/synthetic';
import { SnapshotPublisher } from './snapshots/snapshot-publisher';
import { StructuresController } from './structures/structures.controller';
import { StructuresService } from './structures/structures.service';
import { VocabulariesController } from './vocabularies/vocabularies.controller';
import { VocabularyUpgrade } from './vocabularies/vocabulary-upgrade';

/**
 * The directory's features, without the platform around them (so commands can run them without HTTP).
 * Its periodic work is freshness/'s jobs, which start only in a process that runs workers.
 */
@Module({})
export class DirectoryModule {
  static forRoot(options: DirectoryOptions, { scheduler = true }: { scheduler?: boolean } = {}): DynamicModule {
    return {
      module: DirectoryModule,
      // Search before offers: GET v1/services (search) and GET v1/services/:id live on the same path.
      controllers: [SearchController, OffersController, StructuresController, LieuxController, NetworksController, CommunesController, ImportsController, ExportsController, VocabulariesController],
      providers: [
        // Without the scheduler (commands, tests), the freshness jobs run only when asked.
        { provide: DIRECTORY_OPTIONS, useValue: scheduler ? options : { ...options, sweepIntervalSeconds: 0 } },
        SnapshotPublisher,
        NetworksService,
        StructuresService,
        LieuxService,
        OpeningIntervals,
        OffersService,
        SearchService,
        SearchIndex,
        CommunesService,
        CommuneCoordinatesImporter,
        FreshnessService,
        ImportsService,
        HsdsExporter,
        DataInclusionExporter,
        LmnExporter,
        SeedService,
        SyntheticSeeder,
        VocabularyUpgrade,
      ],
      exports: [DIRECTORY_OPTIONS, FreshnessService, ImportsService, HsdsExporter, DataInclusionExporter, LmnExporter, SeedService, SyntheticSeeder, CommuneCoordinatesImporter, SearchService],
    };
  }
}
