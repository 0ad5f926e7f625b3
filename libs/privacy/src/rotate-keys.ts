/**
 * `keys:rotate` for one service's database on a real instance, run as a one-off job with the service's
 * own environment (same image, same secrets):
 *
 *   node dist/libs/privacy/src/rotate-keys.js DIAGNOSTIC_MASTER_KEYS
 *   node dist/libs/privacy/src/rotate-keys.js REFERRAL_MASTER_KEYS
 *
 * It reads DATABASE_URL and the named ring (`REFERRAL_MASTER_KEY` still counts as `k1` for the referral
 * service), re-wraps every person key under the ring's current key, and prints how many keys each master
 * key still wraps. The local platform has its own wrapper (`npm run keys:rotate`, infra/src/keys-rotate.ts).
 */
import { env, loadConfig } from '@relais/platform';
import { Client } from 'pg';
import { FieldCipher } from './field-cipher';
import { rotatePersonKeys, type RotationReport } from './key-rotation';
import { masterKeyRing, withLegacyMasterKey, type MasterKeyRing } from './master-key-ring';

/** Rotates one database's person keys, printing progress to `out`. */
export async function rotateDatabase(label: string, databaseUrl: string, ring: MasterKeyRing, out: (line: string) => void): Promise<RotationReport> {
  const client = new Client({ connectionString: databaseUrl, application_name: `relais-keys-rotate-${label}` });
  await client.connect();
  try {
    out(`${label} : clé maîtresse courante ${ring.current.id} (anneau : ${ring.ids.join(', ')})`);
    const report = await rotatePersonKeys(client, new FieldCipher(ring), {
      pauseMs: 20,
      onBatch: (p) => out(`${label} : ${p.rewrapped} clés de personne re-chiffrées, ${p.skipped} laissées (modifiées entre-temps), ${p.failed} en échec`),
    });
    out(describeReport(label, report));
    return report;
  } finally {
    await client.end();
  }
}

export function describeReport(label: string, report: RotationReport): string {
  const counts = Object.entries(report.keysById).map(([id, n]) => `${id} : ${n}`).join(', ') || 'aucune clé de personne';
  const lines = [`${label} : terminé — ${report.rewrapped} re-chiffrées, ${report.skipped} laissées, ${report.failed} en échec ; clés de personne par clé maîtresse : ${counts}`];
  for (const failure of report.failures) lines.push(`${label} : échec pour ${failure.personRef} : ${failure.error}`);
  const previous = Object.entries(report.keysById).filter(([id, n]) => id !== report.currentKeyId && n > 0);
  if (previous.length === 0) lines.push(`${label} : plus aucune clé de personne sous une clé maîtresse précédente ; celles-ci peuvent quitter l’anneau.`);
  return lines.join('\n');
}

async function main(): Promise<number> {
  const ringName = process.argv[2];
  if (!ringName || !/^[A-Z][A-Z0-9_]*_MASTER_KEYS$/.test(ringName)) {
    process.stderr.write('usage : rotate-keys.js <SERVICE>_MASTER_KEYS (lit DATABASE_URL et cette variable)\n');
    return 64;
  }
  const source = withLegacyMasterKey(process.env, ringName, ringName.slice(0, -1));
  const config = loadConfig({ DATABASE_URL: env.url({ protocols: ['postgres', 'postgresql'] }), [ringName]: masterKeyRing() }, source);
  const report = await rotateDatabase(ringName.replace(/_MASTER_KEYS$/, '').toLowerCase(), config.DATABASE_URL, config[ringName] as MasterKeyRing, (line) =>
    process.stdout.write(`${line}\n`),
  );
  return report.failed === 0 ? 0 : 1;
}

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
}
