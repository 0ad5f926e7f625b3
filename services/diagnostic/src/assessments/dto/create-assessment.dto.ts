import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { Equals, IsDefined, IsIn, IsObject, IsOptional, IsString, Matches, MaxLength, MinLength, ValidateNested } from 'class-validator';

export class ConsentDto {
  @ApiProperty({ description: 'La personne accepte que son diagnostic soit enregistré. Sans son accord, rien n’est enregistré.', example: true })
  @Equals(true, { message: 'le consentement de la personne est nécessaire avant d’enregistrer le diagnostic' })
  given!: boolean;

  @ApiProperty({ enum: ['oral', 'written', 'electronic'], description: 'Comment l’accord a été recueilli' })
  @IsIn(['oral', 'written', 'electronic'], { message: 'method doit valoir oral, written ou electronic' })
  method!: 'oral' | 'written' | 'electronic';
}

const answersExample = {
  smartphone: 'non',
  ordinateur: 'non',
  'besoins-accessibilite': ['aucun'],
  'demarches-a-faire': [{ procedure: 'impots', deadline: '2026-05-30' }],
};

export class CreateAssessmentDto {
  @ApiPropertyOptional({ description: 'Version du questionnaire à laquelle répondent les réponses ; par défaut la version en vigueur', example: '1' })
  @IsOptional()
  @IsString()
  @MaxLength(32)
  questionnaireVersion?: string;

  @ApiPropertyOptional({
    description:
      'Référence de la personne, délivrée par Relais (jamais choisie par le client). Absente : la personne est nouvelle, une référence ' +
      'est délivrée et renvoyée dans la réponse. Présente : la structure de l’appelant doit être liée à la personne (elle l’a enregistrée, ' +
      'orientée, reçue, ou lui a déjà fait un diagnostic), sinon 404 comme pour une référence inexistante.',
    example: 'p-k7q2m4x9c3v5b8n6r2t4w7y3za',
  })
  @IsOptional()
  @IsString()
  @MinLength(8)
  @MaxLength(128)
  @Matches(/^[A-Za-z0-9._:-]+$/, { message: 'personRef ne contient que lettres, chiffres et . _ : -' })
  personRef?: string;

  @ApiProperty({ description: 'Code INSEE de la commune où vit la personne', example: '56165' })
  @Matches(/^(\d{5}|2[AB]\d{3})$/, { message: 'communeCode doit être un code INSEE de commune (5 caractères)' })
  communeCode!: string;

  @ApiProperty({ type: ConsentDto })
  // ValidateNested passes a missing object: without this, a body with no consent reached the code.
  @IsDefined()
  @ValidateNested()
  @Type(() => ConsentDto)
  consent!: ConsentDto;

  @ApiProperty({
    description:
      'Réponses par identifiant de question : une valeur (single), une liste de valeurs (multiple), ou une liste { procedure, deadline } (procedures). ' +
      'Voir GET /v1/questionnaires/current.',
    type: 'object',
    additionalProperties: true,
    example: answersExample,
  })
  @IsObject({ message: 'answers doit être un objet { identifiant de question: réponse }' })
  answers!: Record<string, unknown>;
}
