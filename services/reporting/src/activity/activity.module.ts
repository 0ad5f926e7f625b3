import { Module } from '@nestjs/common';
import { ActivityController } from './activity.controller';
import { ActivityProjection } from './activity.projection';
import { ActivityService } from './activity.service';

@Module({ controllers: [ActivityController], providers: [ActivityProjection, ActivityService] })
export class ActivityModule {}
