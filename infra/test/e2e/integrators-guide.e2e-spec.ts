import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { clientCredentialsToken } from '@relais/testing';
import { repoRoot, waitUntil } from '../../src';
import { startLocalPlatform, type LocalPlatform } from './support/local-platform';

/** The origin the guide is written for: `npm start` on its default port. */
const GUIDE_ORIGIN = 'http://127.0.0.1:8080';
const guidePath = join(repoRoot, 'docs/integrators.md');

interface GuideBlock {
  /** 1-based, in the order of the page. */
  index: number;
  /** The line of the page where the block's code starts, for messages. */
  line: number;
  code: string;
  /** A ```json block right after this one: the output the page shows for it. */
  documentedOutput: string | null;
}

/** Every ```bash block of the page, in order, with the ```json block that directly follows it, if any. */
function guideBlocks(markdown: string): GuideBlock[] {
  const fence = /^```(\w*)\n([\s\S]*?)^```[ \t]*$/gm;
  const fences: Array<{ lang: string; code: string; start: number; end: number }> = [];
  for (let match = fence.exec(markdown); match !== null; match = fence.exec(markdown)) {
    fences.push({ lang: match[1] ?? '', code: match[2] ?? '', start: match.index, end: match.index + match[0].length });
  }
  const blocks: GuideBlock[] = [];
  fences.forEach((block, position) => {
    if (block.lang !== 'bash') return;
    const next = fences[position + 1];
    const adjacent = next !== undefined && next.lang === 'json' && markdown.slice(block.end, next.start).trim() === '';
    blocks.push({
      index: blocks.length + 1,
      line: markdown.slice(0, block.start).split('\n').length + 1,
      code: block.code,
      documentedOutput: adjacent ? next.code : null,
    });
  });
  return blocks;
}

const MARKER = '@@relais-guide-block';

/**
 * One bash script, as a reader who pastes the blocks into one shell: the blocks in order, the origin
 * rewritten to the test's platform, `set -euo pipefail` so that any failing command stops it. Between
 * blocks, a marker line on stdout (to cut each block's output) and the block's number (to say which
 * one failed). At the end, the variables the guide promises to set, as JSON.
 */
function guideScript(blocks: GuideBlock[], origin: string): string {
  const lines = [
    'set -euo pipefail',
    `trap 'echo "guide block \${GUIDE_BLOCK:-?} failed (exit $?) at: $BASH_COMMAND" >&2' ERR`,
  ];
  for (const block of blocks) {
    lines.push(`GUIDE_BLOCK=${block.index}`, `printf '\\n${MARKER} %d\\n' ${block.index}`);
    lines.push(block.code.split(GUIDE_ORIGIN).join(origin));
  }
  lines.push(
    `printf '\\n${MARKER} end\\n'`,
    `jq -n --arg PERSON "$PERSON" --arg ASSESSMENT "$ASSESSMENT" --arg SERVICE "$SERVICE" --arg ID "$ID" --arg NEXT_ID "$NEXT_ID" '$ARGS.named'`,
  );
  return lines.join('\n') + '\n';
}

/** The top-level JSON objects and arrays of a text (jq's output, with whatever else a block printed). */
function jsonValues(text: string): unknown[] {
  const values: unknown[] = [];
  let depth = 0;
  let start = -1;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (inString) {
      if (char === '\\') i++;
      else if (char === '"') inString = false;
      continue;
    }
    if (depth > 0 && char === '"') inString = true;
    else if (char === '{' || char === '[') {
      if (depth === 0) start = i;
      depth++;
    } else if ((char === '}' || char === ']') && depth > 0) {
      depth--;
      if (depth === 0) {
        try {
          values.push(JSON.parse(text.slice(start, i + 1)));
        } catch {
          // Not JSON after all (a bracket in plain text): skip it.
        }
      }
    }
  }
  return values;
}

/**
 * Where the documented output and the real one differ in shape: object keys, and object/array/scalar
 * kinds, recursively. Values are free (ids, dates and levels change from run to run). A documented
 * array may show fewer elements than the real one.
 */
function shapeDifferences(documented: unknown, actual: unknown, path = '$'): string[] {
  const kind = (value: unknown) => (Array.isArray(value) ? 'array' : value !== null && typeof value === 'object' ? 'object' : 'scalar');
  if (kind(documented) !== kind(actual)) {
    // A documented null stands for a value that is absent in this run, or the other way round.
    if (documented === null || actual === null) return [];
    return [`${path}: the page shows ${kind(documented)}, the API gave ${kind(actual)}`];
  }
  if (Array.isArray(documented) && Array.isArray(actual)) {
    if (documented.length > actual.length) return [`${path}: the page shows ${documented.length} elements, the API gave ${actual.length}`];
    return documented.flatMap((element, index) => shapeDifferences(element, actual[index], `${path}[${index}]`));
  }
  if (kind(documented) === 'object') {
    const doc = documented as Record<string, unknown>;
    const real = actual as Record<string, unknown>;
    const missing = Object.keys(real).filter((key) => !(key in doc)).map((key) => `${path}.${key}: returned by the API, missing from the page`);
    const extra = Object.keys(doc).filter((key) => !(key in real)).map((key) => `${path}.${key}: on the page, not returned by the API`);
    const nested = Object.keys(doc).filter((key) => key in real).flatMap((key) => shapeDifferences(doc[key], real[key], `${path}.${key}`));
    return [...missing, ...extra, ...nested];
  }
  return [];
}

function runBash(script: string, cwd: string, timeoutMs: number): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    // Asynchronous on purpose: the platform's own output pipes must keep draining while the guide runs.
    const child = spawn('bash', ['-s'], { cwd, env: { PATH: process.env['PATH'] ?? '', HOME: cwd, LC_ALL: 'C.UTF-8' }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', reject);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(script);
  });
}

/**
 * The integrators' guide, run as written: every ```bash block of docs/integrators.md, in order, in one
 * shell, against the demo instance `npm start` brings up. A command of the guide that fails fails this
 * test; so does an output the page shows in a shape the API no longer gives.
 */
describe('docs/integrators.md, run as written against the demo instance', () => {
  const blocks = guideBlocks(readFileSync(guidePath, 'utf8'));
  let platform: LocalPlatform;
  let workDir: string;
  let run: { code: number | null; stdout: string; stderr: string };
  let outputs: Map<string, string>;

  beforeAll(async () => {
    // The guide is curl and jq: without them it cannot run, and skipping it would hide that.
    const missing = ['curl', 'jq'].filter((tool) => spawnSync('bash', ['-c', `command -v ${tool}`]).status !== 0);
    if (missing.length > 0) throw new Error(`the integrators' guide needs ${missing.join(' and ')} on the PATH to run; install them`);

    platform = await startLocalPlatform('integrators-guide');
    await directoryKnownToReferrals(platform);
    workDir = mkdtempSync(join(tmpdir(), 'relais-guide-'));
    run = await runBash(guideScript(blocks, platform.origin), workDir, 150_000);
    outputs = new Map();
    const parts = run.stdout.split(new RegExp(`^${MARKER} `, 'm'));
    for (const part of parts.slice(1)) {
      const newline = part.indexOf('\n');
      outputs.set(part.slice(0, newline), part.slice(newline + 1));
    }
  }, 420_000);

  afterAll(async () => {
    await platform?.stop();
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  it('has a walk-through: blocks that reach the API', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(10);
    expect(blocks.every((block) => !block.code.includes('127.0.0.1:') || block.code.includes(GUIDE_ORIGIN))).toBe(true);
  });

  it('runs every command of the guide, in order, in one shell, without a failure', () => {
    const failed = /guide block (\d+) failed/.exec(run.stderr);
    const block = failed ? blocks[Number(failed[1]) - 1] : undefined;
    const where = block ? `block ${block.index} (docs/integrators.md line ${block.line}):\n${block.code}` : 'no block named';
    if (run.code !== 0) throw new Error(`the guide stopped with exit ${run.code} in ${where}\n--- stderr\n${run.stderr}\n--- stdout\n${run.stdout.slice(-4000)}`);
    expect(outputs.has('end')).toBe(true);
  });

  it('shows outputs in the shape the API really gives', () => {
    const differences = blocks
      .filter((block) => block.documentedOutput !== null)
      .flatMap((block) => {
        const where = `block ${block.index} (line ${block.line})`;
        const documented = jsonValues(block.documentedOutput ?? '');
        const actual = jsonValues(outputs.get(String(block.index)) ?? '');
        if (documented.length === 0) return [`${where}: the output shown after it is not JSON`];
        // The page shows the last values the block prints (a block may print several).
        if (actual.length < documented.length) return [`${where} printed ${actual.length} JSON values, the page shows ${documented.length}`];
        const last = actual.slice(actual.length - documented.length);
        return documented.flatMap((value, i) => shapeDifferences(value, last[i]).map((difference) => `${where} ${difference}`));
      });
    expect(differences).toEqual([]);
  });

  it('leaves what the guide says: a completed referral, a limited onward step, then a person erased everywhere', async () => {
    const named = jsonValues(outputs.get('end') ?? '').at(-1) as Record<string, string>;
    expect(named['PERSON']).toMatch(/^p-[a-z2-7]{26}$/);
    const caf = platform.accounts.clients.find((client) => client.clientId === 'caf-vannes-integration');
    if (!caf) throw new Error('demo client caf-vannes-integration missing');
    const token = await clientCredentialsToken(platform.accounts.tokenEndpoint, caf.clientId, caf.clientSecret);
    const get = async (path: string) => {
      const response = await fetch(`${platform.origin}${path}`, { headers: { authorization: `Bearer ${token}` } });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    };
    const referral = await get(`/api/referral/v1/referrals/${named['ID']}`);
    expect(referral.body).toMatchObject({
      status: 'completed',
      personReference: named['PERSON'],
      receivingServiceId: named['SERVICE'],
      personErased: true,
      consent: { active: false },
      outcome: { autonomyGained: 'partiel', nextStep: 'formation' },
    });
    expect(referral.body['reason'] ?? null).toBeNull();
    // The onward referral was the association's: the CAF never was a party to it.
    expect((await get(`/api/referral/v1/referrals/${named['NEXT_ID']}`)).status).toBe(404);
    expect((await get(`/api/referral/v1/persons/${named['PERSON']}`)).status).toBe(404);
    expect((await get(`/api/referral/v1/journeys/${named['PERSON']}`)).status).toBe(404);
    // The diagnostic hears of the erasure through its event: its copy goes a moment later.
    await waitUntil('the diagnostic forgets the erased person’s assessment', async () => (await get(`/api/diagnostic/v1/assessments/${named['ASSESSMENT']}`)).status === 404, {
      timeoutMs: 15_000,
    });
  });
});

/**
 * `npm start` says it is ready once every service answers; the referral service then learns the demo
 * directory from its snapshot events, within seconds. A reader takes longer than that to open this page;
 * the test waits for it, for the services around Lorient that the guide's walk-through picks from. It
 * asks with a referral that names the service and no person: 422 while the service is unknown to the
 * referral service, 400 (the person is missing) once it is known. Nothing is created either way.
 */
async function directoryKnownToReferrals(platform: LocalPlatform): Promise<void> {
  const caf = platform.accounts.clients.find((client) => client.clientId === 'caf-vannes-integration');
  if (!caf) throw new Error('demo client caf-vannes-integration missing');
  const token = await clientCredentialsToken(platform.accounts.tokenEndpoint, caf.clientId, caf.clientSecret);
  const pending = new Set<string>();
  for (const role of ['accompagnement', 'formation']) {
    const search = await fetch(`${platform.origin}/api/directory/v1/services?commune=56121&role=${role}&acceptsReferrals=true&limit=100`);
    for (const service of ((await search.json()) as { items: Array<{ id: string }> }).items) pending.add(service.id);
  }
  if (pending.size === 0) throw new Error('the demo directory has no service taking referrals around Lorient');
  const deadline = Date.now() + 60_000;
  let last = '';
  while (pending.size > 0) {
    for (const id of [...pending]) {
      const response = await fetch(`${platform.origin}/api/referral/v1/referrals`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          receivingServiceId: id,
          person: {},
          reason: 'sonde',
          needs: ['numerique--acquerir-un-equipement'],
          urgency: 'normal',
          consent: { scope: [], method: 'oral', obtainedAt: new Date().toISOString() },
        }),
      });
      last = `${response.status}: ${await response.text()}`;
      if (response.status === 400) pending.delete(id);
    }
    if (pending.size === 0) return;
    if (Date.now() > deadline) throw new Error(`the referral service did not learn ${pending.size} demo services within 60 s (last answer ${last})`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}
