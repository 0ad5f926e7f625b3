import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** OpenAPI description of a questionnaire version, as served. */
export class AnswerOptionView {
  @ApiProperty({ example: 'oui-internet' }) value!: string;
  @ApiProperty({ example: 'Oui, avec internet' }) label!: string;
  @ApiPropertyOptional() help?: string;
  @ApiPropertyOptional({ description: 'Ne se combine avec aucune autre réponse (« aucun »)' }) exclusive?: boolean;
}

export class QuestionView {
  @ApiProperty({ example: 'smartphone' }) id!: string;
  @ApiProperty({
    enum: ['single', 'multiple', 'procedures'],
    description: 'single : une valeur ; multiple : une liste de valeurs ; procedures : une liste { procedure, deadline (AAAA-MM-JJ ou null) }',
  })
  kind!: 'single' | 'multiple' | 'procedures';
  @ApiProperty({ description: 'À lire à la personne' }) text!: string;
  @ApiProperty({ description: 'Aide pour l’agent' }) help!: string;
  @ApiProperty() required!: boolean;
  @ApiProperty({ type: [AnswerOptionView] }) options!: AnswerOptionView[];
}

export class SectionView {
  @ApiProperty({ example: 'equipement' }) id!: string;
  @ApiProperty({ example: 'Équipement' }) title!: string;
  @ApiProperty() intro!: string;
  @ApiProperty({ type: [QuestionView] }) questions!: QuestionView[];
}

export class QuestionnaireView {
  @ApiProperty({ example: '1', description: 'Version, à renvoyer avec les réponses' }) version!: string;
  @ApiProperty({ description: 'Empreinte SHA-256 du contenu de la version' }) hash!: string;
  @ApiProperty() title!: string;
  @ApiProperty() introduction!: string;
  @ApiProperty({ type: [SectionView] }) sections!: SectionView[];
  @ApiProperty({ type: [QuestionView], description: 'Toutes les questions, dans l’ordre des sections' }) questions!: QuestionView[];
}
