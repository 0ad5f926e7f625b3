import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { DIRECTORY_OPTIONS, type DirectoryOptions } from '../config';
import { FreshnessService } from './freshness.service';

/** Runs the periodic work in every replica; the advisory locks make one of them do it each round. */
@Injectable()
export class FreshnessScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('FreshnessScheduler');
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly freshness: FreshnessService,
    @Inject(DIRECTORY_OPTIONS) private readonly options: DirectoryOptions,
  ) {}

  onApplicationBootstrap(): void {
    if (this.options.sweepIntervalSeconds === 0) return;
    // A first round soon after start (hours of a new day, reminders), then at the configured pace.
    this.timer = setTimeout(() => this.tick(), 5_000);
    this.timer.unref();
  }

  private tick(): void {
    this.running = this.round().finally(() => {
      this.running = undefined;
      if (this.timer) {
        this.timer = setTimeout(() => this.tick(), this.options.sweepIntervalSeconds * 1000);
        this.timer.unref();
      }
    });
  }

  private async round(): Promise<void> {
    try {
      await this.freshness.refreshOpeningIntervals();
      await this.freshness.remindStaleStructures();
    } catch (error) {
      this.logger.error({ err: error }, 'échec de la tournée de fraîcheur (réessai au prochain tour)');
    }
  }

  async onApplicationShutdown(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }
}
