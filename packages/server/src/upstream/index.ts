export { createUpstreamClient, normalizeUpstreamBaseUrl, type UpstreamClient, type UpstreamClientOptions, type UpstreamResponse } from './upstream-client.js';
export { upstreamFailure } from './upstream-failure.js';
export { toUpstreamError } from './to-upstream-error.js';
export { createSseRelay, deltaText, type SseRelay, type SseRelayOptions } from './sse-relay.js';
