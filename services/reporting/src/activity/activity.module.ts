import { Module } from '@nestjs/common';
import { ActivityController } from './activity.controller';
import { ActivityProjection } from './activity.projection';
import { ActivityService } from './activity.service';
import { Rollups } from '../projections/rollups';

@Module({ controllers: [ActivityController], providers: [ActivityProjection, ActivityService, Rollups] })
export class ActivityModule {}
