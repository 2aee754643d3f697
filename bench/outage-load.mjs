// Bounded write load for bench/outage: CONNECTIONS workers POST /api/pipelines (keep-alive) for DURATION seconds,
// each request with its own Idempotency-Key. Prints one JSON line of counts by status class.
const [url, token, duration, connections] = [process.argv[2], process.argv[3], Number(process.argv[4]), Number(process.argv[5])];
const deadline = Date.now() + duration * 1000;
const counts = { requests: 0, s2xx: 0, s500: 0, s503: 0, s504: 0, other: 0, failed: 0, retryAfterMissing: 0 };
const body = JSON.stringify({ config: { model: "outage" }, stages: [{ name: "mesh" }] });
let n = 0;
async function worker() {
  while (Date.now() < deadline) {
    counts.requests++;
    try {
      const res = await fetch(url, {
        method: "POST", body,
        headers: { "content-type": "application/json", authorization: `Bearer ${token}`, "idempotency-key": `outage-${process.pid}-${n++}` },
        signal: AbortSignal.timeout(35000),
      });
      await res.arrayBuffer();
      if (res.status >= 200 && res.status < 300) counts.s2xx++;
      else if (res.status === 500) counts.s500++;
      else if (res.status === 503 || res.status === 504) {
        counts[res.status === 503 ? "s503" : "s504"]++;
        if (!res.headers.get("retry-after")) counts.retryAfterMissing++;
        await new Promise(r => setTimeout(r, 50)); // a client honouring Retry-After would wait longer; keep the load up
      } else counts.other++;
    } catch {
      counts.failed++;
    }
  }
}
await Promise.all(Array.from({ length: connections }, worker));
console.log(JSON.stringify(counts));
