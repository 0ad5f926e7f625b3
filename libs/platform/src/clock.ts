import { Injectable } from '@nestjs/common';

/**
 * Where a service reads "now". Deadlines, expiries, opening hours and every timestamp a service writes come
 * from here, so a test can fix time or move it forward (ManualClock) and watch timers act without waiting.
 * Services provide it as `{ provide: Clock, useValue: options.clock ?? new SystemClock() }`.
 */
export abstract class Clock {
  abstract now(): Date;
}

@Injectable()
export class SystemClock extends Clock {
  now(): Date {
    return new Date();
  }
}

/** A clock that only moves when told to: for tests of deadlines and expiry. */
export class ManualClock extends Clock {
  private current: number;

  constructor(start: Date | string = new Date()) {
    super();
    this.current = new Date(start).getTime();
  }

  now(): Date {
    return new Date(this.current);
  }

  set(to: Date | string): void {
    this.current = new Date(to).getTime();
  }

  advance(milliseconds: number): void {
    this.current += milliseconds;
  }

  advanceDays(days: number): void {
    this.advance(days * 86_400_000);
  }
}
