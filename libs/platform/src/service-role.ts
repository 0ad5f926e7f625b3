/**
 * What one process of a service does. `all` (the default, what `npm start` runs) serves the HTTP API and
 * runs the workers; `api` serves the HTTP API only; `consumers` runs the workers only: the event
 * consumers, the outbox relay and the periodic jobs, with /health and /health/ready for the probes.
 * A département that scales runs several `api` replicas and a few `consumers` apart (deploy/).
 */
export const serviceRoles = ['all', 'api', 'consumers'] as const;
export type ServiceRole = (typeof serviceRoles)[number];

/** Injection token of the process's role (provided by PlatformModule). */
export const SERVICE_ROLE = Symbol('SERVICE_ROLE');

/** Whether this process serves the service's HTTP API (besides health, which every process serves). */
export function servesApi(role: ServiceRole): boolean {
  return role !== 'consumers';
}

/** Whether this process runs the consumers, the outbox relay and the periodic jobs. */
export function runsWorkers(role: ServiceRole): boolean {
  return role !== 'api';
}
