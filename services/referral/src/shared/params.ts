import { Injectable, type PipeTransform } from '@nestjs/common';
import { NotFoundError } from '@relais/platform';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** An id that is not a UUID names nothing: 404, like any id the caller may not see. */
@Injectable()
export class ReferralIdPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!UUID.test(value)) throw new NotFoundError('Orientation');
    return value.toLowerCase();
  }
}
