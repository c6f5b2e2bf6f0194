import { appendFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startGateway, userMessage, type GatewayFixture } from '../helpers/gateway-fixture.js';
import { runCliInProcess } from '../helpers/run-cli-in-process.js';
import { startServeProcess } from '../helpers/run-cli.js';

/**
 * A pinned model folder that fails verification takes the gateway out of service: not ready,
 * chat refused with RAMPART_E_MODEL_INTEGRITY, an audit record; a passing re-verification
 * restores it. The verifier here is a switch; the CLI test drives the real signed manifest.
 */
let gw: GatewayFixture | undefined;
afterEach(async () => {
  await gw?.close();
  gw = undefined;
});

const pinned = { integrity: { models: [{ name: 'llama-local', path: '/models/llama', signature: '/models/llama.sig.json', publicKey: '/keys/signing.pub' }] } };

describe('model integrity pinning', () => {
  it('refuses readiness and chat while verification fails, and recovers when it passes', async () => {
    let problems: string[] = [];
    const check = { name: 'llama-local', verify: async () => ({ ok: problems.length === 0, problems }) };
    gw = await startGateway(pinned, { integrityChecks: [check] });
    const key = await gw.key();
    let ready = await fetch(`${gw.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ready', checks: { integrity: 'ok' } });
    expect((await gw.chat(key, userMessage('Summarize the water cycle.'))).status).toBe(200);

    problems = ['modified: model-00001.safetensors'];
    await gw.rt.integrity.runNow();
    ready = await fetch(`${gw.url}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ status: 'not_ready', checks: { integrity: 'failed' } });
    const refused = await gw.chat(key, userMessage('Summarize the water cycle.'));
    expect(refused.status).toBe(503);
    expect(await refused.json()).toMatchObject({ error: { code: 'RAMPART_E_MODEL_INTEGRITY' } });
    expect(gw.logs.join('')).toContain('model-00001.safetensors');

    problems = [];
    await gw.rt.integrity.runNow();
    expect((await fetch(`${gw.url}/readyz`)).status).toBe(200);
    expect((await gw.chat(key, userMessage('Summarize the water cycle.'))).status).toBe(200);
    const events = (await gw.auditRecords()).filter((r) => r.type === 'system').map((r) => r.event);
    expect(events).toEqual(expect.arrayContaining(['integrity_failed', 'integrity_restored']));
  });

  it('counts a verifier that throws as a failure, never as a pass', async () => {
    const check = { name: 'llama-local', verify: async () => Promise.reject(new Error('EACCES: permission denied')) };
    gw = await startGateway(pinned, { integrityChecks: [check] });
    expect((await fetch(`${gw.url}/readyz`)).status).toBe(503);
    expect(gw.rt.integrity.states()[0]).toMatchObject({ ok: false, problems: ['verification failed: EACCES: permission denied'] });
  });

  it('reports no integrity check when nothing is pinned', async () => {
    gw = await startGateway();
    const body = (await (await fetch(`${gw.url}/readyz`)).json()) as { checks: Record<string, string> };
    expect(body.checks).not.toHaveProperty('integrity');
  });
});

describe('rampart serve with a pinned model folder (real signed manifest)', () => {
  it('is ready when the folder matches and refuses readiness once a weight file is tampered', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rampart-pin-'));
    const model = join(dir, 'model');
    mkdirSync(model);
    writeFileSync(join(model, 'config.json'), '{"architectures":["LlamaForCausalLM"]}');
    writeFileSync(join(model, 'model.safetensors'), Buffer.alloc(4096, 7));
    expect((await runCliInProcess(['keygen', '--out', join(dir, 'keys')])).code).toBe(0);
    expect((await runCliInProcess(['sign', model, '--key', join(dir, 'keys/signing.key'), '--out', join(dir, 'model.sig.json')])).code).toBe(0);
    const config = join(dir, 'rampart.yaml');
    writeFileSync(
      config,
      [`dataDir: ${join(dir, 'data')}`, 'integrity:', '  models:', `    - { name: local-llama, path: ${model}, signature: ${join(dir, 'model.sig.json')}, publicKey: ${join(dir, 'keys/signing.pub')} }`].join('\n'),
    );
    const serve = await startServeProcess({ RAMPART_CONFIG: config });
    try {
      const ready = await fetch(`${serve.url}/readyz`);
      expect(await ready.json()).toMatchObject({ status: 'ready', checks: { integrity: 'ok' } });
    } finally {
      await serve.stop();
    }
    appendFileSync(join(model, 'model.safetensors'), 'x');
    const tampered = await startServeProcess({ RAMPART_CONFIG: config, RAMPART_LOG_LEVEL: 'error' });
    try {
      const ready = await fetch(`${tampered.url}/readyz`);
      expect(ready.status).toBe(503);
      expect(await ready.json()).toMatchObject({ checks: { integrity: 'failed' } });
      const { stdout, stderr } = tampered.output();
      expect(stderr).toContain('pinned model failed integrity verification');
      expect(stdout).toContain('modified');
      expect(stdout).toContain('model.safetensors');
    } finally {
      await tampered.stop();
    }
  }, 60_000);
});
