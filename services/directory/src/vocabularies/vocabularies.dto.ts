import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class VocabularyEntryView {
  @ApiProperty({ example: 'numerique--acceder-a-des-services-en-ligne', description: 'Valeur à écrire et à filtrer' }) value!: string;
  @ApiProperty({ example: 'Accéder à des services en ligne', description: 'Libellé français' }) label!: string;
  @ApiPropertyOptional({ description: 'Ce que la valeur recouvre, quand le référentiel le dit' }) description?: string;
  @ApiPropertyOptional({ example: 'numerique', description: 'Pour une thématique : sa catégorie (une valeur de la même liste, sans parent)' }) parent?: string;
}

export class VocabulariesView {
  @ApiProperty({ type: [VocabularyEntryView], description: 'Catégories puis thématiques data·inclusion v1 (une catégorie vaut toutes ses thématiques en recherche)' })
  thematiques!: VocabularyEntryView[];
  @ApiProperty({ type: [VocabularyEntryView], description: 'Types de services data·inclusion v1' }) typesServices!: VocabularyEntryView[];
  @ApiProperty({ type: [VocabularyEntryView], description: 'Publics data·inclusion v1' }) publics!: VocabularyEntryView[];
  @ApiProperty({ type: [VocabularyEntryView], description: 'Frais data·inclusion v1' }) frais!: VocabularyEntryView[];
  @ApiProperty({ type: [VocabularyEntryView], description: 'Modes d’accueil data·inclusion v1' }) modesAccueil!: VocabularyEntryView[];
  @ApiProperty({ type: [VocabularyEntryView], description: 'Modes de mobilisation data·inclusion v1' }) modesMobilisation!: VocabularyEntryView[];
  @ApiProperty({ type: [VocabularyEntryView], description: 'Rôles d’un service dans le parcours (propres à Relais)' }) roles!: VocabularyEntryView[];
}
