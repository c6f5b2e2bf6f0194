import { describe, expect, it } from 'vitest';
import { SEVERITIES } from '../contracts/detector.js';
import * as policy from './index.js';

describe('policy public surface', () => {
  it('exports exactly these values', () => {
    expect(Object.keys(policy).sort()).toEqual(
      [
        'ACTION_RANK',
        'DEFAULT_POLICY_FILE',
        'DEFAULT_POLICY_SOURCE',
        'GUIDANCE_SEPARATOR',
        'HOLD_FOR_REVIEW_REASON',
        'PolicyAction',
        'PolicyCondition',
        'PolicyDocument',
        'PolicyException',
        'PolicyGuidance',
        'PolicyMessages',
        'PolicyMode',
        'PolicyRule',
        'PolicyTestCase',
        'PolicyTestContext',
        'PolicyTestExpect',
        'PolicyTestFile',
        'PolicyTestInput',
        'PolicyTestMessage',
        'REROUTE_UNAVAILABLE_REASON',
        'UNSUPPRESSIBLE_CATEGORIES',
        'compilePolicy',
        'evaluatePolicy',
        'expiredExceptions',
        'loadDefaultPolicy',
        'loadPolicyFile',
        'loadPolicyTestFile',
        'loadPolicyUnderTest',
        'parsePolicy',
        'policyTestMessages',
        'runPolicyTests',
        'severityRank',
        'stricter',
        'validatePolicy',
      ].sort(),
    );
  });

  it('ranks severities in the order of SEVERITIES, unknown ones as critical', () => {
    expect(SEVERITIES.map(policy.severityRank)).toEqual([0, 1, 2, 3, 4]);
    expect(policy.severityRank('catastrophic')).toBe(4);
  });

  it('uses the same guidance separator as the gateway expects', () => {
    expect(policy.GUIDANCE_SEPARATOR).toBe('\n---\n');
  });
});
