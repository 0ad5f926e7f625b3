import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsDateString, IsOptional, IsUUID } from 'class-validator';

export class ActivityQuery {
  @ApiProperty({ description: 'Premier jour inclus (AAAA-MM-JJ, heure de Paris)', example: '2026-11-01' })
  @IsDateString({ strict: true })
  from!: string;

  @ApiProperty({ description: 'Dernier jour inclus (AAAA-MM-JJ)', example: '2026-11-30' })
  @IsDateString({ strict: true })
  to!: string;

  @ApiPropertyOptional({ description: 'Un réseau local (par défaut : tous ceux de l’appelant)', format: 'uuid' })
  @IsOptional()
  @IsUUID()
  network?: string;
}

export class ActivityRow {
  @ApiProperty({ example: '2026-11-23' }) day!: string;
  @ApiProperty({ example: 'fr.relais.referral.referral.requested.v1' }) eventType!: string;
  @ApiProperty({ nullable: true, type: String, format: 'uuid' }) networkId!: string | null;
  @ApiProperty({ example: 12 }) count!: number;
}
