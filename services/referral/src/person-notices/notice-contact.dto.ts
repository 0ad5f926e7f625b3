import { ApiProperty } from '@nestjs/swagger';

export class NoticeContactView {
  @ApiProperty({ type: String, enum: ['email', 'sms'], nullable: true, description: 'Le canal choisi par la personne ; null : elle ne doit rien recevoir' })
  channel!: 'email' | 'sms' | null;
  @ApiProperty({ type: String, nullable: true, description: 'Son adresse ou son numéro sur ce canal' })
  address!: string | null;
}
