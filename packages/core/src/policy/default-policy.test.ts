import { describe, expect, it } from 'vitest';
import type { Action } from '../contracts/decision.js';
import type { Finding, Tier } from '../contracts/detector.js';
import { compilePolicy } from './compile.js';
import { evaluatePolicy } from './evaluate.js';
import { facts, finding, principal } from './fixtures/findings.js';
import { GUIDANCE_SEPARATOR } from './guidance-separator.js';
import { loadDefaultPolicy } from './load-policy.js';

/** The built-in policy against synthetic findings: the intents documented in default.yaml. */
const policy = compilePolicy(loadDefaultPolicy());

function decide(findings: readonly Finding[], tier: Tier = 'standard', extra: { purpose?: string } = {}) {
  return evaluatePolicy(policy, facts(findings, { principal: principal({ tier }), purpose: extra.purpose }));
}

const TIERS_IN_ORDER: readonly Tier[] = ['anonymous', 'standard', 'verified-security', 'internal'];

function byTier(findings: readonly Finding[], extra: { purpose?: string } = {}): Action[] {
  return TIERS_IN_ORDER.map((tier) => decide(findings, tier, extra).action);
}

describe('default policy', () => {
  it('blocks a critical cyber.impact finding for a standard caller, citing it', () => {
    const decision = decide([finding('cyber.impact', 'critical', { reasonCode: 'cyber.ransomware.build' })]);
    expect(decision).toMatchObject({ action: 'block', enforced: 'block', policyRule: 'critical-harm-untrusted', reasons: ['cyber.ransomware.build'] });
    expect(decision.message).toMatch(/refused/);
  });

  it('sends a layer that failed closed to review for every tier', () => {
    expect(byTier([finding('layer_error', 'high', { reasonCode: 'layer_error.rules' })])).toEqual(['review', 'review', 'review', 'review']);
    expect(decide([finding('layer_error', 'high')]).policyRule).toBe('layer-failed-closed');
  });

  it('serves a request whose layer failed open (info) without holding it', () => {
    expect(decide([finding('layer_error', 'info')]).action).toBe('allow');
  });

  it('allows a request without findings', () => {
    expect(decide([])).toMatchObject({ action: 'allow', policyRule: 'no-findings', reasons: [] });
    expect(byTier([])).toEqual(['allow', 'allow', 'allow', 'allow']);
  });

  it('blocks limit findings whatever the tier', () => {
    expect(byTier([finding('limit', 'high', { reasonCode: 'limit.prompt_too_long' })])).toEqual(['block', 'block', 'block', 'block']);
  });

  it.each(['cyber.impact', 'cyber.credential_access', 'phishing', 'dos', 'harm.other'])('grades %s by severity and tier', (category) => {
    expect(byTier([finding(category, 'critical')])).toEqual(['block', 'block', 'review', 'review']);
    expect(byTier([finding(category, 'high')])).toEqual(['block', 'review', 'guide', 'guide']);
    expect(byTier([finding(category, 'medium')])).toEqual(['review', 'guide', 'guide', 'allow']);
    expect(byTier([finding(category, 'medium')], { purpose: 'incident-response' })).toEqual(['review', 'guide', 'allow', 'allow']);
    expect(byTier([finding(category, 'low')])).toEqual(['allow', 'allow', 'allow', 'allow']);
  });

  it('never lets a declared purpose relax a high or critical finding', () => {
    expect(byTier([finding('cyber.impact', 'critical')], { purpose: 'research' })).toEqual(['block', 'block', 'review', 'review']);
    expect(byTier([finding('cyber.impact', 'high')], { purpose: 'research' })).toEqual(['block', 'review', 'guide', 'guide']);
  });

  it('grades jailbreaks', () => {
    expect(byTier([finding('jailbreak', 'critical')])).toEqual(['block', 'block', 'block', 'warn']);
    expect(byTier([finding('jailbreak', 'high')])).toEqual(['block', 'block', 'block', 'warn']);
    expect(byTier([finding('jailbreak', 'medium')])).toEqual(['reroute', 'reroute', 'warn', 'warn']);
    expect(decide([finding('jailbreak', 'medium')])).toMatchObject({ rerouteModel: 'restricted-model' });
    expect(byTier([finding('jailbreak', 'low')])).toEqual(['allow', 'allow', 'allow', 'allow']);
  });

  it('grades prompt injection', () => {
    expect(byTier([finding('prompt_injection', 'critical')])).toEqual(['block', 'block', 'review', 'review']);
    expect(byTier([finding('prompt_injection', 'high')])).toEqual(['block', 'block', 'review', 'review']);
    expect(byTier([finding('prompt_injection', 'medium')])).toEqual(['warn', 'warn', 'warn', 'warn']);
  });

  it('blocks high findings made only on decoded text for anonymous and standard callers', () => {
    const decoded = [finding('cyber.impact', 'high', { decodedFrom: 'base64' })];
    expect(byTier(decoded)).toEqual(['block', 'block', 'guide', 'guide']);
    expect(decide(decoded).policyRule).toBe('decoded-attack-untrusted');
  });

  it('warns at most for obfuscation alone', () => {
    for (const severity of ['critical', 'high', 'medium'] as const) {
      expect(byTier([finding('obfuscation', severity)])).toEqual(['warn', 'warn', 'warn', 'warn']);
    }
    expect(decide([finding('obfuscation', 'low')]).action).toBe('allow');
  });

  it('lets the strictest intent win when several apply', () => {
    const mixed = [finding('obfuscation', 'high'), finding('jailbreak', 'medium'), finding('cyber.impact', 'medium'), finding('layer_error', 'high')];
    expect(byTier(mixed)).toEqual(['review', 'review', 'review', 'review']);
    expect(byTier([...mixed, finding('phishing', 'critical')])).toEqual(['block', 'block', 'review', 'review']);
    expect(byTier([finding('jailbreak', 'high'), finding('cyber.impact', 'critical')])).toEqual(['block', 'block', 'block', 'review']);
  });

  it('guides with the mitigations for the top finding category', () => {
    const decision = decide([finding('cyber.discovery', 'medium'), finding('cyber.impact', 'high')], 'verified-security');
    expect(decision.action).toBe('guide');
    const [instruction, mitigations] = (decision.message ?? '').split(GUIDANCE_SEPARATOR);
    expect(instruction).toMatch(/defensive perspective/);
    expect(mitigations).toMatch(/offline, immutable backups/);
    const phishing = decide([finding('phishing', 'medium')]);
    expect(phishing.message?.split(GUIDANCE_SEPARATOR)[1]).toMatch(/DMARC/);
    const discovery = decide([finding('cyber.discovery', 'medium')]);
    expect(discovery.message?.split(GUIDANCE_SEPARATOR)[1]).toMatch(/Patch promptly/);
    const harm = decide([finding('harm.other', 'medium')]);
    expect(harm.message?.split(GUIDANCE_SEPARATOR)[1]).toMatch(/authorized to assess/);
  });

  it('has guidance for each category the brief names', () => {
    for (const category of ['cyber.impact', 'cyber.credential_access', 'phishing', 'dos', 'cyber.defense_evasion']) {
      expect(policy.document.guidance?.[category], category).toBeDefined();
    }
    expect(policy.document.guidance?.['*']).toBeDefined();
  });
});
