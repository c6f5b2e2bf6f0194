/**
 * The one registry of error codes. A code is never reused for another meaning. Each has its HTTP
 * status (for errors that reach a client), the OpenAI error `type` it renders as, and a row in
 * docs/reference/errors.md (a test keeps the two in step).
 */
export const ERROR_CODES = {
  RAMPART_E_AUTH_MISSING_KEY: { status: 401, type: 'invalid_request_error', fault: 'user' },
  RAMPART_E_AUTH_INVALID_KEY: { status: 401, type: 'invalid_request_error', fault: 'user' },
  RAMPART_E_AUTH_REVOKED_KEY: { status: 401, type: 'invalid_request_error', fault: 'user' },
  RAMPART_E_AUTH_EXPIRED_KEY: { status: 401, type: 'invalid_request_error', fault: 'user' },
  RAMPART_E_AUTH_FORBIDDEN_SCOPE: { status: 403, type: 'permission_error', fault: 'user' },
  RAMPART_E_AUTH_FORBIDDEN_MODEL: { status: 403, type: 'permission_error', fault: 'user' },
  RAMPART_E_REQUEST_MALFORMED_JSON: { status: 400, type: 'invalid_request_error', fault: 'user' },
  RAMPART_E_REQUEST_INVALID_UTF8: { status: 400, type: 'invalid_request_error', fault: 'user' },
  RAMPART_E_REQUEST_INVALID_BODY: { status: 400, type: 'invalid_request_error', fault: 'user' },
  RAMPART_E_REQUEST_UNKNOWN_FIELD: { status: 400, type: 'invalid_request_error', fault: 'user' },
  RAMPART_E_REQUEST_UNSUPPORTED_MEDIA_TYPE: { status: 415, type: 'invalid_request_error', fault: 'user' },
  RAMPART_E_REQUEST_TOO_LARGE: { status: 413, type: 'invalid_request_error', fault: 'user' },
  RAMPART_E_LIMIT_TOO_MANY_MESSAGES: { status: 400, type: 'invalid_request_error', fault: 'user' },
  RAMPART_E_LIMIT_PROMPT_TOO_LONG: { status: 400, type: 'invalid_request_error', fault: 'user' },
  RAMPART_E_MODEL_NOT_FOUND: { status: 404, type: 'invalid_request_error', fault: 'user' },
  RAMPART_E_ROUTE_NOT_FOUND: { status: 404, type: 'invalid_request_error', fault: 'user' },
  RAMPART_E_REVIEW_NOT_FOUND: { status: 404, type: 'invalid_request_error', fault: 'user' },
  RAMPART_E_REVIEW_NOT_PENDING: { status: 409, type: 'invalid_request_error', fault: 'user' },
  RAMPART_E_KEY_NOT_FOUND: { status: 404, type: 'invalid_request_error', fault: 'user' },
  RAMPART_E_UPSTREAM_TIMEOUT: { status: 504, type: 'api_error', fault: 'system' },
  RAMPART_E_UPSTREAM_ERROR: { status: 502, type: 'api_error', fault: 'system' },
  RAMPART_E_UPSTREAM_UNREACHABLE: { status: 502, type: 'api_error', fault: 'system' },
  RAMPART_E_CONFIG_INVALID: { status: 500, type: 'api_error', fault: 'user' },
  RAMPART_E_CONFIG_NOT_FOUND: { status: 500, type: 'api_error', fault: 'user' },
  RAMPART_E_POLICY_INVALID: { status: 500, type: 'api_error', fault: 'user' },
  RAMPART_E_RULES_INVALID: { status: 500, type: 'api_error', fault: 'user' },
  RAMPART_E_MODEL_INVALID: { status: 500, type: 'api_error', fault: 'system' },
  RAMPART_E_MODEL_INTEGRITY: { status: 503, type: 'api_error', fault: 'system' },
  RAMPART_E_STORE_UNAVAILABLE: { status: 503, type: 'api_error', fault: 'system' },
  RAMPART_E_AUDIT_UNAVAILABLE: { status: 503, type: 'api_error', fault: 'system' },
  RAMPART_E_AUDIT_TAMPERED: { status: 500, type: 'api_error', fault: 'system' },
  RAMPART_E_CLI_USAGE: { status: 400, type: 'invalid_request_error', fault: 'user' },
  RAMPART_E_INPUT_INVALID: { status: 400, type: 'invalid_request_error', fault: 'user' },
  RAMPART_E_INTERNAL: { status: 500, type: 'api_error', fault: 'system' },
} as const satisfies Record<string, { status: number; type: string; fault: 'user' | 'system' }>;

export type ErrorCode = keyof typeof ERROR_CODES;

export function httpStatusOf(code: ErrorCode): number {
  return ERROR_CODES[code].status;
}
