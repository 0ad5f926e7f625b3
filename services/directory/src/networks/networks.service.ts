import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { callerKey, type Principal } from '@relais/auth';
import { Transactional, TransactionHost, type TransactionalAdapterTypeOrm } from '@relais/persistence';
import { NotFoundError } from '@relais/platform';
import { DIRECTORY_OPTIONS, type DirectoryOptions } from '../config';
import { canManageNetwork, forbidden } from '../shared/access';
import { publicAttribution, showTo, type ShowAttribution } from '../shared/attribution';
import { freshnessOf } from '../shared/freshness';
import { stableJson, touch, type Verifier } from '../shared/record';
import { SnapshotPublisher } from '../snapshots/snapshot-publisher';
import type { CreateNetworkInput, NetworkView, UpdateNetworkInput } from './network.dto';
import { Network } from './network.entity';

@Injectable()
export class NetworksService {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly snapshots: SnapshotPublisher,
    @Inject(DIRECTORY_OPTIONS) private readonly options: DirectoryOptions,
  ) {}

  private get repository() {
    return this.txHost.tx.getRepository(Network);
  }

  async list(): Promise<NetworkView[]> {
    const networks = await this.repository.find({ where: { deleted: false }, order: { name: 'ASC' } });
    return networks.map((network) => this.view(network));
  }

  async get(id: string): Promise<NetworkView> {
    return this.view(await this.find(id));
  }

  async find(id: string): Promise<Network> {
    const network = await this.repository.findOne({ where: { id, deleted: false } });
    if (!network) throw new NotFoundError('Réseau local');
    return network;
  }

  async create(principal: Principal, input: CreateNetworkInput): Promise<NetworkView> {
    if (!principal.roles.includes('admin')) throw forbidden('Seul un administrateur crée un réseau local.');
    const network = await this.upsertIfChanged(input, callerKey(principal));
    return this.view(network, showTo(principal, { structureId: null, networkIds: [network.id] }));
  }

  /** Creates or updates a network by id (API, seed); writes and publishes only what changed. */
  @Transactional()
  async upsertIfChanged(input: CreateNetworkInput, by: Verifier): Promise<Network & { changed?: boolean }> {
    const existing = input.id ? await this.repository.findOne({ where: { id: input.id } }) : null;
    const network = existing ?? this.repository.create({ id: input.id ?? randomUUID(), version: 0, deleted: false, createdAt: new Date() });
    const before = existing ? stableJson(comparable(network)) : null;
    this.apply(network, input);
    network.department ??= this.options.department;
    if (existing && before === stableJson(comparable(network))) return Object.assign(network, { changed: false });
    touch(network, by);
    await this.repository.save(network);
    await this.snapshots.network(network);
    return Object.assign(network, { changed: true });
  }

  @Transactional()
  async update(principal: Principal, id: string, input: UpdateNetworkInput): Promise<NetworkView> {
    const network = await this.find(id);
    if (!canManageNetwork(principal, id)) throw forbidden('Seuls un administrateur et les coordinateurs de ce réseau le modifient.');
    this.apply(network, input);
    touch(network, callerKey(principal));
    await this.repository.save(network);
    await this.snapshots.network(network);
    return this.view(network, showTo(principal, { structureId: null, networkIds: [network.id] }));
  }

  private apply(network: Network, input: UpdateNetworkInput): void {
    if (input.name !== undefined) network.name = input.name;
    if (input.communeCodes !== undefined) network.communeCodes = [...new Set(input.communeCodes)].sort();
    if (input.coordinators !== undefined) {
      network.coordinators = input.coordinators.map((c) => ({ name: c.name, email: c.email ?? null, phone: c.phone ?? null }));
    }
    network.communeCodes ??= [];
    network.coordinators ??= [];
    network.slaAcknowledgeBusinessDays = input.sla?.acknowledgeBusinessDays ?? network.slaAcknowledgeBusinessDays ?? 2;
    network.slaFirstContactBusinessDays = input.sla?.firstContactBusinessDays ?? network.slaFirstContactBusinessDays ?? 10;
    network.slaExpireAfterDays = input.sla?.expireAfterDays ?? network.slaExpireAfterDays ?? 30;
  }

  view(network: Network, show: ShowAttribution = publicAttribution): NetworkView {
    return {
      id: network.id,
      name: network.name,
      department: network.department,
      communeCodes: network.communeCodes,
      coordinators: network.coordinators,
      sla: {
        acknowledgeBusinessDays: network.slaAcknowledgeBusinessDays,
        firstContactBusinessDays: network.slaFirstContactBusinessDays,
        expireAfterDays: network.slaExpireAfterDays,
      },
      version: network.version,
      freshness: freshnessOf(network, this.options.freshnessMaxAgeDays, show),
    };
  }
}

function comparable(network: Network): unknown {
  return [network.name, network.communeCodes, network.coordinators, network.slaAcknowledgeBusinessDays, network.slaFirstContactBusinessDays, network.slaExpireAfterDays];
}
