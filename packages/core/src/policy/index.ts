/** The policy: findings and caller facts in, one of six actions out. */
export {
  PolicyAction,
  PolicyMode,
  PolicyCondition,
  PolicyRule,
  PolicyException,
  PolicyGuidance,
  PolicyMessages,
  PolicyDocument,
  UNSUPPRESSIBLE_CATEGORIES,
} from './schema.js';
export {
  parsePolicy,
  validatePolicy,
  loadPolicyFile,
  loadDefaultPolicy,
  DEFAULT_POLICY_FILE,
  DEFAULT_POLICY_SOURCE,
  type PolicyLoadOptions,
} from './load-policy.js';
export { compilePolicy, severityRank, type CompiledPolicy, type CompiledRule, type CompiledException } from './compile.js';
export {
  evaluatePolicy,
  expiredExceptions,
  stricter,
  ACTION_RANK,
  HOLD_FOR_REVIEW_REASON,
  REROUTE_UNAVAILABLE_REASON,
  type PolicyFacts,
} from './evaluate.js';
export { GUIDANCE_SEPARATOR } from './guidance-separator.js';
export {
  PolicyTestMessage,
  PolicyTestInput,
  PolicyTestContext,
  PolicyTestExpect,
  PolicyTestCase,
  PolicyTestFile,
  runPolicyTests,
  loadPolicyTestFile,
  loadPolicyUnderTest,
  policyTestMessages,
  type PolicyTestOutcome,
  type PolicyTestInspect,
  type PolicyTestResult,
  type PolicyTestReport,
  type LoadedPolicyTestFile,
} from './test-cases.js';
