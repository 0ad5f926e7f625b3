import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { eventually } from '@relais/testing';
import { commandLine } from '../../src/service-processes';
import { startLocalPlatform, type LocalPlatform } from './support/local-platform';

// `npm start` keeps the platform running: a process that dies (kill -9, an OOM) is started again and says so,
// and an orchestrator killed with SIGKILL leaves nothing the next start cannot stop by itself.
describe('npm start supervises what it started', () => {
  let platform: LocalPlatform | undefined;
  const pidOf = (file: string) => Number(readFileSync(join(platform?.stateDir ?? '', file), 'utf8').trim());
  const ready = async (service: string) => (await fetch(`${platform?.origin}/api/${service}/health/ready`)).status;

  beforeAll(async () => {
    platform = await startLocalPlatform('supervision');
  }, 240_000);

  afterAll(() => platform?.stop());

  it('restarts a service killed with SIGKILL, which answers again', async () => {
    const killed = pidOf('run/referral.pid');
    process.kill(killed, 'SIGKILL');
    await eventually(() => expect(platform?.output()).toContain('le service referral s’est arrêté (signal SIGKILL) : redémarrage dans 1 s (1/5)'));
    await eventually(() => expect(platform?.output()).toMatch(/le service referral redémarré/), { timeoutMs: 90_000, intervalMs: 500 });
    expect(await ready('referral')).toBe(200);
    expect(pidOf('run/referral.pid')).not.toBe(killed);
  }, 120_000);

  it('restarts the broker killed with SIGKILL, and the services are ready on it again', async () => {
    process.kill(pidOf('data/kafka/kafka.pid'), 'SIGKILL');
    await eventually(() => expect(platform?.output()).toMatch(/Kafka redémarré/), { timeoutMs: 120_000, intervalMs: 500 });
    await eventually(async () => expect(await ready('notification')).toBe(200), { timeoutMs: 60_000, intervalMs: 500 });
  }, 200_000);

  it('starts again after its orchestrator was killed with SIGKILL, stopping what that one left running', async () => {
    const first = platform;
    if (!first) throw new Error('no platform');
    const left = ['run/directory.pid', 'run/referral.pid', 'data/identity.pid', 'data/kafka/kafka.pid'].map(pidOf);
    first.child.kill('SIGKILL');
    await new Promise((resolve) => first.child.once('exit', resolve));
    // Services, the identity provider, Kafka and PostgreSQL run in process groups of their own: still up, holding their ports.
    for (const pid of left) expect(commandLine(pid)).not.toEqual([]);

    platform = await startLocalPlatform('supervision', {}, first);
    expect(platform.output()).toContain('arrêt des services laissés par un lancement précédent interrompu');
    for (const pid of left) expect(commandLine(pid)).toEqual([]);
    for (const service of ['directory', 'referral', 'reporting']) expect(await ready(service)).toBe(200);
  }, 300_000);
});
