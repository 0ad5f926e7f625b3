import type { EventPayload } from '@relais/contracts';
import { publicAttribution } from '../shared/attribution';
import { iso } from '../shared/record';
import type { Structure } from './structure.entity';

type StructureSnapshot = EventPayload<'fr.relais.directory.structure.snapshot.v1'>;

/** The full state of a structure as other services learn it (compacted topic: the last per key wins). */
export function structureSnapshot(structure: Structure): StructureSnapshot {
  return {
    structureId: structure.id,
    version: structure.version,
    deleted: structure.deleted,
    updatedAt: structure.updatedAt.toISOString(),
    lastVerifiedAt: iso(structure.lastVerifiedAt),
    // Events leave the directory: the kind of actor and its structure, never an account id.
    lastVerifiedBy: publicAttribution(structure.lastVerifiedBy),
    name: structure.name,
    typology: structure.typology,
    siret: structure.siret,
    rna: structure.rna,
    referralEmail: structure.referralEmail ?? null,
    parentStructureId: structure.parentStructureId,
    labels: [...structure.labels],
    networkIds: [...structure.networkIds],
    communeCode: structure.communeCode,
    department: structure.department,
  };
}
