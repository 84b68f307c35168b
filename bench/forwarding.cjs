// Forwarding phase helper for bench/run (Node, no packages): issue 10's figures, CareBridge
// alone (the peer has no consent-filtered forwarding).
//
//   node forwarding.cjs CAREBRIDGE_BINARY WORK_DIR SECONDS
//
// Runs its own receiver (a Node http server on 127.0.0.1 that answers 200 and notes when each
// event's focus arrived) and its own gateways (`carebridge serve` on fresh stores under
// WORK_DIR, default settings), registering clients with `carebridge client add` (partners with
// --endpoint-prefix the receiver) and minting tokens with `carebridge token`.
//
//  1. deliveries: 10 partners, one full-resource Subscription each (Observation?patient=ptN),
//     active after the handshake; 8 connections create Observations for the 10 patients as fast
//     as they can for SECONDS; then it waits until every event has arrived. Figures: creates/s
//     while loading, events delivered/s from the first create to the last delivery (delivery
//     keeps pace with ingest, so this is the ingest rate), and how long the last took.
//  1b. backlog: the same on a store whose 10 Subscriptions are still `requested`: the receiver
//     refuses their handshakes (503) while the load runs, so every event waits in the outbox;
//     then it answers, and the backlog drains (this store retries every 100 ms at most and
//     never gives up: --forward-retry-max-ms 100 --forward-error-after 1000000). Figure: events delivered/s from the first handshake
//     accepted to the last event: what delivery alone sustains.
//  2. latency: the same store, creates paced at 200/s over 4 connections for SECONDS; for each,
//     the time from its 201 (the write committed) to the receiver getting the event that names
//     it. Figures: p50/p95/p99/max ms.
//  3. ingest with 100 subscriptions vs none: two fresh stores, the same load (8 connections
//     creating Observations for 10 patients for SECONDS); one store has no Subscription, the
//     other 100 active ones (10 partners x 10: `Observation?patient=ptN&code=...`, 90 on codes
//     no write has, 10 on the code written, one per patient: every create is matched against
//     all 100 and delivered once); and a third with 100 on codes no create has (matched against
//     all 100, nothing delivered: what matching alone costs). Figure: creates/s on each.
// Prints `BENCH key value` lines for bench/run.
'use strict';
const http = require('http');
const { spawn, execFileSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const [cb, work, secondsArg] = process.argv.slice(2);
const seconds = Number(secondsArg || 10);
if (!cb || !work) {
  console.error('usage: node forwarding.cjs CAREBRIDGE_BINARY WORK_DIR SECONDS');
  process.exit(2);
}
const PATIENTS = 10;
const PHQ9 = '44261-6';
const out = (k, v) => console.log(`BENCH ${k} ${v}`);
const now = () => Number(process.hrtime.bigint()) / 1e6;  // ms
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// The receiver: arrival time per focus id, events per path.
const arrived = new Map();  // Observation id -> ms
let events = 0;
let lastArrival = 0;
let refuseHandshakes = false;  // 1b: hold every event in the outbox
let firstHandshake = 0;       // 1b: when the first handshake was accepted
const receiver = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const t = now();
    const text = Buffer.concat(chunks).toString('utf8');
    if (text.includes('"valueCode":"handshake"')) {
      if (refuseHandshakes) {
        res.writeHead(503, { 'Content-Length': 0 });
        return res.end();
      }
      if (!firstHandshake) firstHandshake = t;
    }
    try {
      const bundle = JSON.parse(text);
      const status = bundle.entry && bundle.entry[0] && bundle.entry[0].resource;
      for (const p of (status && status.parameter) || []) {
        if (p.name !== 'notification-event') continue;
        events++;
        lastArrival = t;
        for (const part of p.part || [])
          if (part.name === 'focus') {
            const m = /Observation\/([^/]+)/.exec(part.valueReference.reference);
            if (m && !arrived.has(m[1])) arrived.set(m[1], t);
          }
      }
    } catch (e) {
      // a body that does not parse is the gateway's bug: counted as nothing
    }
    res.writeHead(200, { 'Content-Type': 'application/fhir+json', 'Content-Length': 0 });
    res.end();
  });
});

function cli(db, args) {
  return execFileSync(cb, [...args.slice(0, 2), '--db', db, ...args.slice(2)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}
function token(db, client) {
  const lines = cli(db, ['token', '--client', client, '--purpose', 'TREAT', '--access-token-seconds', '86400']).trim().split('\n');
  return lines[lines.length - 1];
}

function serve(db, name, extra) {
  return new Promise((resolve, reject) => {
    const err = fs.openSync(path.join(work, `${name}.err`), 'w');
    const p = spawn(cb, ['serve', '--listen', '127.0.0.1:0', '--db', db, ...extra], { stdio: ['ignore', 'pipe', err] });
    let text = '';
    p.stdout.on('data', (d) => {
      text += d;
      const m = /listening on (127\.0\.0\.1:\d+)/.exec(text);
      if (m) resolve({ proc: p, base: `http://${m[1]}` });
    });
    p.on('exit', (code) => reject(new Error(`${name} exited (${code}) before listening`)));
  });
}
function stop(server) {
  return new Promise((resolve) => {
    server.proc.removeAllListeners('exit');
    server.proc.on('exit', resolve);
    server.proc.kill('SIGTERM');
  });
}

function request(agent, base, bearer, method, p, body) {
  const u = new URL(base + '/' + p);
  return new Promise((resolve, reject) => {
    const headers = { Authorization: `Bearer ${bearer}` };
    if (body !== undefined) {
      headers['Content-Type'] = 'application/fhir+json';
      headers['Content-Length'] = Buffer.byteLength(body);
    }
    const req = http.request({ agent, method, host: u.hostname, port: u.port, path: u.pathname + u.search, headers }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

function observation(patient, code, value) {
  return JSON.stringify({
    resourceType: 'Observation', status: 'final',
    code: { coding: [{ system: 'http://loinc.org', code }] },
    subject: { reference: `Patient/${patient}` },
    effectiveDateTime: '2026-11-01T10:00:00Z', valueInteger: value,
  });
}
function subscription(criteria, endpoint) {
  return JSON.stringify({
    resourceType: 'Subscription', status: 'requested', reason: 'bench', criteria,
    channel: {
      type: 'rest-hook', endpoint, payload: 'application/fhir+json',
      _payload: { extension: [{ url: 'http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition/backport-payload-content', valueCode: 'full-resource' }] },
    },
  });
}

// A store with the admin client `bench`, PARTNERS partners allowed to send to the receiver,
// served; Patients pt0..pt9 written.
async function setup(name, partners, port, extra = []) {
  const db = path.join(work, `${name}.db`);
  cli(db, ['client', 'add', '--id', 'bench', '--role', 'admin', '--organization', 'Organization/bench']);
  for (let i = 0; i < partners; i++)
    cli(db, ['client', 'add', '--id', `partner${i}`, '--role', 'partner', '--organization', `Organization/clinic${i}`,
      '--endpoint-prefix', `http://127.0.0.1:${port}/`]);
  const admin = token(db, 'bench');
  const partnerTokens = [];
  for (let i = 0; i < partners; i++) partnerTokens.push(token(db, `partner${i}`));
  const server = await serve(db, name, extra);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
  for (let i = 0; i < PATIENTS; i++) {
    const r = await request(agent, server.base, admin, 'PUT', `Patient/pt${i}`, JSON.stringify({ resourceType: 'Patient', id: `pt${i}` }));
    if (r.status >= 300) throw new Error(`PUT Patient: ${r.status} ${r.body}`);
  }
  return { db, server, agent, admin, partnerTokens };
}

async function subscribe(s, partner, criteria, endpoint) {
  const r = await request(s.agent, s.server.base, s.partnerTokens[partner], 'POST', 'Subscription', subscription(criteria, endpoint));
  if (r.status !== 201) throw new Error(`POST Subscription: ${r.status} ${r.body}`);
  return JSON.parse(r.body).id;
}
async function allActive(s, subs) {
  for (const [partner, id] of subs) {
    for (let i = 0; ; i++) {
      const r = await request(s.agent, s.server.base, s.partnerTokens[partner], 'GET', `Subscription/${id}`);
      if (JSON.parse(r.body).status === 'active') break;
      if (i > 2000) throw new Error(`Subscription/${id} never became active`);
      await sleep(5);
    }
  }
}

// CONNECTIONS loops creating Observations until `until` (ms); code(i) picks each one's code.
// Returns the acknowledged creates: [id, ack ms].
async function flood(s, connections, until, code, paceMs) {
  const acks = [];
  let n = 0;
  const loops = [];
  const start = now();
  for (let c = 0; c < connections; c++)
    loops.push((async () => {
      while (now() < until) {
        const i = n++;
        if (paceMs) {
          const due = start + i * paceMs;
          if (due > now()) await sleep(due - now());
          if (now() >= until) break;
        }
        const r = await request(s.agent, s.server.base, s.admin, 'POST', 'Observation', observation(`pt${i % PATIENTS}`, code(i), i % 27));
        if (r.status !== 201) throw new Error(`POST Observation: ${r.status} ${r.body.slice(0, 300)}`);
        acks.push([JSON.parse(r.body).id, now()]);
      }
    })());
  await Promise.all(loops);
  return acks;
}

function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}
const fixed = (x) => (Number.isFinite(x) ? x.toFixed(1) : 'n/a');

async function drain(expected, boundMs) {
  const until = now() + boundMs;
  while (arrived.size < expected && now() < until) await sleep(5);
}

async function main() {
  fs.mkdirSync(work, { recursive: true });
  await new Promise((r) => receiver.listen(0, '127.0.0.1', r));
  const port = receiver.address().port;

  // 1 and 2: ten partners, one subscription each.
  const s = await setup('deliveries', 10, port);
  const subs = [];
  for (let i = 0; i < 10; i++) subs.push([i, await subscribe(s, i, `Observation?patient=pt${i}`, `http://127.0.0.1:${port}/hook/${i}`)]);
  await allActive(s, subs);
  arrived.clear();
  events = 0;
  const t0 = now();
  const acks = await flood(s, 8, t0 + seconds * 1000, () => PHQ9);
  const loaded = now();
  await drain(acks.length, 120000);
  const delivered = acks.filter(([id]) => arrived.has(id)).length;
  out('deliveries_creates', acks.length);
  out('deliveries_creates_per_s', fixed(acks.length / ((loaded - t0) / 1000)));
  out('deliveries_delivered', delivered);
  out('deliveries_events', events);
  out('deliveries_per_s', fixed(delivered / ((lastArrival - t0) / 1000)));
  out('deliveries_drain_ms', fixed(lastArrival - loaded));

  arrived.clear();
  const t1 = now();
  const paced = await flood(s, 4, t1 + seconds * 1000, () => PHQ9, 5);
  await drain(paced.length, 60000);
  const lat = paced.filter(([id]) => arrived.has(id)).map(([id, ack]) => arrived.get(id) - ack).sort((a, b) => a - b);
  out('latency_creates', paced.length);
  out('latency_creates_per_s', fixed(paced.length / ((now() - t1) / 1000)));
  out('latency_delivered', lat.length);
  out('latency_p50_ms', fixed(percentile(lat, 50)));
  out('latency_p95_ms', fixed(percentile(lat, 95)));
  out('latency_p99_ms', fixed(percentile(lat, 99)));
  out('latency_max_ms', fixed(lat[lat.length - 1]));
  s.agent.destroy();
  await stop(s.server);

  // 1b: a backlog, drained.
  const b = await setup('backlog', 10, port,
    ['--forward-retry-base-ms', '50', '--forward-retry-max-ms', '100', '--forward-error-after', '1000000']);
  refuseHandshakes = true;
  for (let i = 0; i < 10; i++) await subscribe(b, i, `Observation?patient=pt${i}`, `http://127.0.0.1:${port}/backlog/${i}`);
  arrived.clear();
  events = 0;
  const queued = await flood(b, 8, now() + seconds * 1000, () => PHQ9);
  const heldBack = events;
  firstHandshake = 0;
  refuseHandshakes = false;
  await drain(queued.length, 120000);
  out('backlog_events', queued.length);
  out('backlog_delivered_early', heldBack);
  out('backlog_delivered', queued.filter(([id]) => arrived.has(id)).length);
  out('backlog_per_s', fixed(queued.length / ((lastArrival - firstHandshake) / 1000)));
  out('backlog_drain_ms', fixed(lastArrival - firstHandshake));
  b.agent.destroy();
  await stop(b.server);

  // 3: the same load with no subscription, and with 100.
  // ingest100none: the same 100 on codes no create has, so nothing is delivered: what matching
  // alone costs.
  for (const [name, count, oneMatches] of [['ingest0', 0, false], ['ingest100', 100, true], ['ingest100none', 100, false]]) {
    const st = await setup(name, count ? 10 : 0, port);
    const ss = [];
    for (let k = 0; k < count; k++) {
      const partner = k % 10;
      const patient = Math.floor(k / 10);
      // One in ten on the code written; the rest on codes no write has.
      const code = oneMatches && k % 10 === 0 ? PHQ9 : `bench-${k}`;
      ss.push([partner, await subscribe(st, partner, `Observation?patient=pt${patient}&code=http://loinc.org|${code}`,
        `http://127.0.0.1:${port}/ingest/${k}`)]);
    }
    await allActive(st, ss);
    arrived.clear();
    const t = now();
    const done = await flood(st, 8, t + seconds * 1000, () => PHQ9);
    const rate = done.length / ((now() - t) / 1000);
    out(`${name}_creates`, done.length);
    out(`${name}_creates_per_s`, fixed(rate));
    if (count && oneMatches) {
      await drain(done.length, 60000);
      out(`${name}_delivered`, done.filter(([id]) => arrived.has(id)).length);
    }
    st.agent.destroy();
    await stop(st.server);
  }
  receiver.close();
}

main().catch((e) => {
  console.error(`forwarding.cjs: ${e.stack || e}`);
  process.exit(1);
});
