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

/**
 * The same closed-loop load through wrk (C, epoll), when it is installed (`apt-get install wrk`):
 * it needs a fraction of the CPU undici needs, so on a 2-core machine the gateway and the
 * upstream are measured with less interference from the load generator. Returns null without wrk.
 */
export async function loadWithWrk({ url, path, body, headers = {}, concurrency, seconds }) {
  const { spawnSync } = await import('node:child_process');
  const { writeFileSync, mkdtempSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  if (spawnSync('wrk', ['--version']).error) return null;
  const script = join(mkdtempSync(join(tmpdir(), 'rampart-wrk-')), 'post.lua');
  const lua = [`wrk.method = "POST"`, `wrk.body = ${luaString(body)}`, `wrk.headers["Content-Type"] = "application/json"`];
  for (const [name, value] of Object.entries(headers)) lua.push(`wrk.headers[${luaString(name)}] = ${luaString(value)}`);
  writeFileSync(script, `${lua.join('\n')}\n`);
  const out = spawnSync('wrk', ['-t1', `-c${concurrency}`, `-d${seconds}s`, '--latency', '-s', script, `${new URL(url).origin}${path}`], { encoding: 'utf8' }).stdout;
  const micros = (label) => {
    const m = new RegExp(`^\\s+${label}%\\s+([\\d.]+)(us|ms|s)$`, 'm').exec(out);
    return m === null ? NaN : Number(m[1]) * { us: 1, ms: 1000, s: 1e6 }[m[2]];
  };
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? NaN);
  const non2xx = Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(out)?.[1] ?? 0);
  const socketErrors = /Socket errors:.*/.exec(out)?.[0];
  return { p50: micros('50'), p99: micros('99'), rps, errors: non2xx + (socketErrors ? 1 : 0), tool: 'wrk' };
}

function luaString(text) {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}
