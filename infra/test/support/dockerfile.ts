import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../../src/state-dir';

/** One stage of deploy/Dockerfile as the deploy checks read it: what a container of it would run. */
export interface DockerStage {
  name: string;
  from: string;
  env: Record<string, string>;
  user: string | undefined;
  entrypoint: string[] | undefined;
  cmd: string[] | undefined;
  healthcheck: string[] | undefined;
  instructions: Array<{ keyword: string; args: string }>;
}

/**
 * Reads deploy/Dockerfile's stages (only what Relais's file uses: FROM … AS, ENV k=v, USER, exec-form
 * ENTRYPOINT, CMD and HEALTHCHECK … CMD). Stages inherit their base stage's ENV, USER, ENTRYPOINT and
 * HEALTHCHECK, as Docker does.
 */
export function dockerStages(path = join(repoRoot, 'deploy/Dockerfile')): Map<string, DockerStage> {
  const lines = readFileSync(path, 'utf8').replace(/\\\n/g, ' ').split('\n');
  const args: Record<string, string> = {};
  const stages = new Map<string, DockerStage>();
  let stage: DockerStage | undefined;
  for (const raw of lines) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const [, keyword = '', rest = ''] = /^(\S+)\s*(.*)$/.exec(line) ?? [];
    const upper = keyword.toUpperCase();
    if (upper === 'ARG' && !stage) {
      const [name = '', value = ''] = rest.split('=');
      args[name] = value;
      continue;
    }
    if (upper === 'FROM') {
      const [, image = '', name = ''] = /^(\S+)\s+AS\s+(\S+)$/i.exec(rest) ?? [];
      const from = image.replace(/\$\{(\w+)\}/g, (_m, arg: string) => args[arg] ?? '');
      const base = stages.get(from);
      stage = {
        name,
        from,
        env: { ...(base?.env ?? {}) },
        user: base?.user,
        entrypoint: base?.entrypoint,
        cmd: base?.cmd,
        healthcheck: base?.healthcheck,
        instructions: [],
      };
      stages.set(name, stage);
      continue;
    }
    if (!stage) continue;
    stage.instructions.push({ keyword: upper, args: rest });
    if (upper === 'ENV') {
      for (const match of rest.matchAll(/(\w+)=("[^"]*"|\S+)/g)) stage.env[match[1] ?? ''] = (match[2] ?? '').replace(/^"|"$/g, '');
    } else if (upper === 'USER') {
      stage.user = rest;
    } else if (upper === 'ENTRYPOINT') {
      stage.entrypoint = JSON.parse(rest) as string[];
      stage.cmd = undefined; // Docker resets CMD when ENTRYPOINT changes
    } else if (upper === 'CMD') {
      stage.cmd = JSON.parse(rest) as string[];
    } else if (upper === 'HEALTHCHECK') {
      const json = rest.slice(rest.indexOf('CMD ') + 4);
      stage.healthcheck = JSON.parse(json) as string[];
    }
  }
  return stages;
}
