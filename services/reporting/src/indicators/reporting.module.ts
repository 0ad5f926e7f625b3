import { Module, type DynamicModule } from '@nestjs/common';
import { Clock, SystemClock } from '@relais/platform';
import { REPORTING_CONFIG, type ReportingConfig } from '../config';
import { DirectoryReadModel } from '../directory-read-model/directory-read-model';
import { OpenDataController } from '../open-data/open-data.controller';
import { OpenDataService } from '../open-data/open-data.service';
import { AssessmentProjection } from '../projections/assessment.projection';
import { ReferralProjection } from '../projections/referral.projection';
import { Rollups } from '../projections/rollups';
import { ProjectionRebuild } from '../rebuild/projection-rebuild';
import { IndicatorsController } from './indicators.controller';
import { IndicatorsService } from './indicators.service';
import { ReportingAccess } from './reporting-access';

/** Projections of the events, the indicators' API and the open data. */
@Module({})
export class ReportingModule {
  static forRoot(config: ReportingConfig, clock: Clock | undefined): DynamicModule {
    return {
      module: ReportingModule,
      controllers: [IndicatorsController, OpenDataController],
      providers: [
        { provide: REPORTING_CONFIG, useValue: config },
        { provide: Clock, useValue: clock ?? new SystemClock() },
        DirectoryReadModel,
        Rollups,
        ReferralProjection,
        AssessmentProjection,
        ReportingAccess,
        IndicatorsService,
        OpenDataService,
        ProjectionRebuild,
      ],
    };
  }
}
