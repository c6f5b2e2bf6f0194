// Closed-loop HTTP load generator on undici: `concurrency` workers each send requests back to
// back for `seconds` (or `requests` in total). Loopback only; bounded in count and time.
import { Pool } from 'undici';

export async function load({ url, path, body, headers, concurrency, seconds, requests, expectStatus = 200 }) {
  const origin = new URL(url).origin;
  const pool = new Pool(origin, { connections: concurrency, pipelining: 1, keepAliveTimeout: 30_000 });
  const latencies = [];
  let sent = 0;
  let errors = 0;
  const deadline = seconds === undefined ? Infinity : performance.now() + seconds * 1000;
  const limit = requests ?? Infinity;
  const started = performance.now();
  async function worker() {
    while (sent < limit && performance.now() < deadline) {
      sent += 1;
      const t0 = performance.now();
      try {
        const res = await pool.request({ path, method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
        await res.body.text();
        if (res.statusCode !== expectStatus) errors += 1;
      } catch {
        errors += 1;
      }
      latencies.push((performance.now() - t0) * 1000);
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker));
  const elapsed = (performance.now() - started) / 1000;
  await pool.close();
  return { latenciesUs: latencies, count: latencies.length, errors, elapsed, rps: latencies.length / elapsed };
}

export function percentile(values, p) {
  if (values.length === 0) return NaN;
  const sorted = Float64Array.from(values).sort();
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index];
}
