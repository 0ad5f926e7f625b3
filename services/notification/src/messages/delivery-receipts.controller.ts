import { Body, Controller, HttpCode, HttpStatus, Param, Post } from '@nestjs/common';
import { ApiBody, ApiNoContentResponse, ApiOperation, ApiParam, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Public } from '@relais/auth';
import { ApiProblems, ValidationError } from '@relais/platform';
import { Matches } from 'class-validator';
import { DeliveryReceipts } from './delivery-receipts';

/**
 * The fields of Brevo's transactional SMS event this service reads. The provider sends many more (the
 * number among them), and adds some over time: the body is read as a plain object, not checked against a
 * closed list, and nothing else of it is kept.
 */
export class SmsReceiptInput {
  @ApiPropertyOptional({ description: 'Brevo : l’événement (delivered, hardBounce, softBounce, rejected…)', maxLength: 40 })
  msg_status?: string;

  @ApiPropertyOptional({ description: 'Même chose, sous le nom `event` selon les versions du fournisseur', maxLength: 40 })
  event?: string;
}

const eventOf = (body: unknown): string | null => {
  if (typeof body !== 'object' || body === null) return null;
  const { msg_status: status, event } = body as Record<string, unknown>;
  const value = typeof status === 'string' ? status : typeof event === 'string' ? event : null;
  return value !== null && value.length > 0 && value.length <= 40 ? value : null;
};

class ReceiptTokenParam {
  @ApiProperty() @Matches(/^[A-Za-z0-9_-]{16,64}$/) token!: string;
}

@ApiTags('messages')
@Controller('v1/receipts')
export class DeliveryReceiptsController {
  constructor(private readonly receipts: DeliveryReceipts) {}

  @Post('sms/:token')
  @Public()
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({
    summary: 'Accusé d’un SMS par le fournisseur (remis, non remis)',
    description:
      'Appelé par le fournisseur SMS (le `webUrl` de Brevo), sans compte : le jeton du chemin est propre à un message et ne permet que de le dire remis ou non remis. Ni numéro ni contenu ne sont gardés.',
    security: [],
  })
  @ApiParam({ name: 'token', description: 'Le jeton du message, donné au fournisseur avec le SMS' })
  @ApiBody({ type: SmsReceiptInput })
  @ApiNoContentResponse()
  @ApiProblems(400, 404)
  async sms(@Param() params: ReceiptTokenParam, @Body() body: Record<string, unknown>): Promise<void> {
    const event = eventOf(body);
    if (!event) throw new ValidationError([{ field: 'msg_status', message: 'obligatoire : l’événement du SMS (delivered, hardBounce…)' }]);
    await this.receipts.record(params.token, event);
  }
}
