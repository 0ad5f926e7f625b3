import { useQuery } from '@tanstack/react-query';
import { serviceQuery, structureQuery } from '../api/directory';

/** A structure's name from the directory (public, cached for an hour); its id while loading or when unknown. */
export function StructureName({ id }: { id: string | null }) {
  const structure = useQuery({ ...structureQuery(id ?? ''), enabled: Boolean(id) });
  if (!id) return <>—</>;
  return <>{structure.data?.name ?? (structure.isError ? 'structure inconnue' : '…')}</>;
}

export function ServiceName({ id }: { id: string | null }) {
  const service = useQuery({ ...serviceQuery(id ?? ''), enabled: Boolean(id) });
  if (!id) return <>—</>;
  return <>{service.data ? `${service.data.name} (${service.data.structure.name})` : service.isError ? 'service retiré de l’annuaire' : '…'}</>;
}
