import { Injectable } from '@nestjs/common';

/** The time, behind a provider so that tests can fix it (deadlines and opening hours depend on it). */
@Injectable()
export class Clock {
  now(): Date {
    return new Date();
  }
}
