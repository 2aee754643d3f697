// Pipeline event streams under load: node bench/events.mjs BASE_URL TOKEN MODE N ROUNDS
//   MODE one      N streams on one pipeline, ROUNDS PATCHes, each awaited at every stream
//   MODE distinct N pipelines with a stream each, ROUNDS PATCHes to pipelines picked in turn
//   MODE idle     N streams opened on one pipeline and held (prints when all are open; ends on SIGTERM)
//   MODE patch    ROUNDS seconds of PATCHes by 16 concurrent clients, no streams opened by this process
// Latency = from the PATCH's 200 arriving here to the matching `update` arriving here (same clock).
import http from 'node:http';

const [base, token, mode, nArg, roundsArg] = process.argv.slice(2);
const n = Number(nArg), rounds = Number(roundsArg);
const url = new URL(base);
const auth = { Authorization: `Bearer ${token}` };

function request(method, path, body) {
  return new Promise((resolve, reject) => {
    const data = body ? JSON.stringify(body) : undefined;
    const req = http.request({ host: url.hostname, port: url.port, method, path, agent: keepAlive,
      headers: { ...auth, ...(data ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) } : {}) } }, res => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', c => text += c);
      res.on('end', () => resolve({ status: res.statusCode, text }));
    });
    req.on('error', reject);
    if (data) req.write(data);
    req.end();
  });
}
const keepAlive = new http.Agent({ keepAlive: true, maxSockets: 16 });

async function create() {
  const r = await request('POST', '/api/pipelines', { config: {}, stages: [{ name: 'mesh' }] });
  const id = JSON.parse(r.text).id;
  await request('PATCH', `/api/pipelines/${id}/status`, { status: 'processing' });
  return id;
}

// One SSE stream: calls onEvent(progress) for every `update`; resolves once the snapshot arrived.
function open(id, onEvent) {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: url.hostname, port: url.port, path: `/api/pipelines/${id}/events`, agent: false,
      headers: { ...auth, Accept: 'text/event-stream' } }, res => {
      if (res.statusCode !== 200) { reject(new Error(`stream ${res.statusCode}`)); return; }
      let buffer = '';
      res.setEncoding('utf8');
      res.on('data', chunk => {
        buffer += chunk;
        let end;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end); buffer = buffer.slice(end + 2);
          if (block.startsWith('event: snapshot')) resolve(req);
          else if (block.startsWith('event: update')) {
            const m = /"progress":(\d+)/.exec(block);
            if (m) onEvent(Number(m[1]), performance.now());
          }
        }
      });
    });
    req.on('error', reject);
    req.end();
  });
}

const pct = (xs, p) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(p / 100 * s.length))]; };

async function openAll(ids, onEvent) {
  const reqs = [];
  for (let i = 0; i < ids.length; i += 100) // in waves, so the accept queue never overflows
    reqs.push(...await Promise.all(ids.slice(i, i + 100).map(id => open(id, onEvent))));
  return reqs;
}

if (mode === 'one' || mode === 'distinct') {
  const ids = mode === 'one' ? Array(n).fill(await create()) : await Promise.all(Array.from({ length: n }, create));
  let waiting = null;
  const latencies = [];
  await openAll(ids, (progress, at) => {
    if (waiting && progress === waiting.progress) {
      latencies.push(at - waiting.t0);
      if (--waiting.left === 0) waiting.done();
    }
  });
  for (let r = 0; r < rounds; r++) {
    const id = ids[r % ids.length], progress = (r % 99) + 1;
    const left = mode === 'one' ? n : 1;
    const arrived = new Promise(done => waiting = { progress, left, done, t0: Infinity });
    const res = await request('PATCH', `/api/pipelines/${id}/progress`, { progress });
    waiting.t0 = performance.now();
    if (res.status !== 200) throw new Error(`PATCH ${res.status} ${res.text}`);
    await Promise.race([arrived, new Promise((_, no) => setTimeout(() => no(new Error('events did not all arrive in 10 s')), 10000))]);
  }
  // An event can arrive before the PATCH's 200 is read here (the notification races the response): that is 0 ms.
  const ms = latencies.map(l => Math.max(0, l));
  console.log(JSON.stringify({ mode, n, rounds, events: ms.length, p50_ms: +pct(ms, 50).toFixed(2), p99_ms: +pct(ms, 99).toFixed(2) }));
  process.exit(0);
} else if (mode === 'idle') {
  const id = await create();
  await openAll(Array(n).fill(id), () => {});
  console.log('open');
  setInterval(() => {}, 1000);
} else if (mode === 'patch') {
  // 16 clients at once, each PATCHing its own pipeline (so none waits on another's row lock), for ROUNDS seconds.
  const clients = 16;
  const ids = await Promise.all(Array.from({ length: clients }, create));
  let count = 0;
  const until = performance.now() + rounds * 1000;
  await Promise.all(ids.map(async id => {
    for (let i = 0; performance.now() < until; i++) {
      const res = await request('PATCH', `/api/pipelines/${id}/progress`, { progress: (i % 99) + 1 });
      if (res.status !== 200) throw new Error(`PATCH ${res.status}`);
      count++;
    }
  }));
  console.log(JSON.stringify({ mode, clients, seconds: rounds, patches: count, per_second: +(count / rounds).toFixed(1) }));
  process.exit(0);
}
