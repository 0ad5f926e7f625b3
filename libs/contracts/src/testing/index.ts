// Factories of valid payloads, for tests and benchmarks only: never exported by the production barrel.
export { networkSnapshot, serviceSnapshot, structureSnapshot, type NetworkSnapshotPayload, type ServiceSnapshotPayload, type StructureSnapshotPayload } from './directory-snapshots';
