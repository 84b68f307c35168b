// Ingest client for bench/run: POSTs FHIR transaction/batch Bundles to BASE/ over keep-alive
// connections and times it, or checks what a CareBridge store holds afterwards.
//
//   node ingest.cjs post BASE_URL CLIENTS LIST_FILE [TOKEN_FILE]
//     LIST_FILE names one bundle file per line. Provider bundles (hospitalInformation*,
//     practitionerInformation*) go first, all of them answered before any patient bundle is
//     sent: patients refer to providers by conditional references. Within each wave up to
//     CLIENTS requests are in flight, one per connection, each client taking the next file.
//     Files are read and their entries counted before the clock starts; the clock runs from
//     the first request to the last response. Answers are checked after the clock stops: any
//     non-2xx, and any entry of a 2xx batch/transaction response whose own status is not 2xx.
//   node ingest.cjs check BASE_URL [TOKEN_FILE]
//     Pages GET /_history?_count=1000 (CareBridge) and looks for references left unresolved
//     (a "reference" starting with urn:uuid: or still a conditional Type?query), and for
//     "urn:uuid:" anywhere else, by element name (identifier values legitimately hold some).
//   node ingest.cjs spot BASE_URL TYPE [TOKEN_FILE]
//     The same tally over one page of GET /TYPE?_count=1000 (for the peer, which has no
//     system history).
//   TOKEN_FILE: a file whose first line is an access token, sent on every request as
//     "Authorization: Bearer" (CareBridge requires one; bench/run mints it with `carebridge
//     token`). Without it no Authorization header is sent.
//
// Prints one "BENCH key value" line per figure, like common.lua, for bench/run to read.
'use strict';
const fs = require('fs');
const http = require('http');
const path = require('path');

const out = (k, v) => process.stdout.write(`BENCH ${k} ${v}\n`);
const oneLine = (s) => String(s).replace(/\s+/g, ' ').slice(0, 400);
const REQUEST_TIMEOUT_MS = 300000; // a bundle that takes longer than this is a stall
let bearer = ''; // "Bearer <token>" from TOKEN_FILE, set once before any request

function readToken(file) {
  if (!file) return '';
  const token = fs.readFileSync(file, 'utf8').split('\n')[0].trim();
  if (!token) throw new Error(`no access token in ${file}`);
  return `Bearer ${token}`;
}

function isProvider(file) {
  return /^(hospitalInformation|practitionerInformation)/.test(path.basename(file));
}

// One request on the keep-alive agent; resolves with status, body, and timings (ms).
function request(agent, base, method, urlPath, body) {
  return new Promise((resolve) => {
    const u = new URL(urlPath, base);
    const t0 = performance.now();
    const headers = { Accept: 'application/fhir+json' };
    if (bearer) headers.Authorization = bearer;
    if (body) {
      headers['Content-Type'] = 'application/fhir+json';
      headers['Content-Length'] = body.length;
    }
    const req = http.request(
      { agent, host: u.hostname, port: u.port, method, path: u.pathname + u.search, headers },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(chunks), t0, t1: performance.now() }));
        res.on('error', (e) => resolve({ status: 0, body: Buffer.from(String(e)), t0, t1: performance.now() }));
      });
    req.setTimeout(REQUEST_TIMEOUT_MS, () => req.destroy(new Error(`no answer within ${REQUEST_TIMEOUT_MS / 1000} s`)));
    req.on('error', (e) => resolve({ status: 0, body: Buffer.from(`socket error: ${e.message}`), t0, t1: performance.now() }));
    req.end(body);
  });
}

async function post(base, clients, listFile) {
  const files = fs.readFileSync(listFile, 'utf8').split('\n').filter(Boolean);
  const jobs = files.map((f) => {
    const body = fs.readFileSync(f);
    const b = JSON.parse(body.toString('utf8'));
    if (b.resourceType !== 'Bundle' || !['transaction', 'batch'].includes(b.type)) throw new Error(`${f}: not a transaction or batch Bundle`);
    return { file: f, body, entries: (b.entry || []).length, provider: isProvider(f) };
  });
  const waves = [jobs.filter((j) => j.provider), jobs.filter((j) => !j.provider)];

  const start = performance.now();
  const waveEnd = [];
  for (const wave of waves) {
    // New connections for each wave: a connection left idle through a long provider wave may
    // be closed by the server's keep-alive timer just as the next request goes out on it
    // (seen with the peer, whose event loop is blocked meanwhile: "socket hang up").
    const agent = new http.Agent({ keepAlive: true, maxSockets: clients });
    let next = 0;
    const worker = async () => {
      while (next < wave.length) {
        const job = wave[next++];
        job.res = await request(agent, base, 'POST', '/', job.body);
      }
    };
    await Promise.all(Array.from({ length: Math.min(clients, wave.length) }, worker));
    waveEnd.push(performance.now());
    agent.destroy();
  }
  const wall = (performance.now() - start) / 1000;

  // Checked after the clock: parsing answers is the client's work, not the server's.
  let non2xx = 0, entryFailures = 0, firstBad = '', respBytes = 0, slowest = null;
  for (const j of jobs) {
    const r = j.res;
    respBytes += r.body.length;
    const ms = r.t1 - r.t0;
    if (!slowest || ms > slowest.ms) slowest = { ms, file: j.file };
    if (r.status < 200 || r.status > 299) {
      non2xx++;
      if (!firstBad) firstBad = `${path.basename(j.file)}: ${r.status} ${oneLine(r.body.toString('utf8'))}`;
      continue;
    }
    let b;
    try { b = JSON.parse(r.body.toString('utf8')); } catch {
      entryFailures++;
      if (!firstBad) firstBad = `${path.basename(j.file)}: ${r.status} with a body that is not JSON: ${oneLine(r.body.toString('utf8'))}`;
      continue;
    }
    const entries = b.entry || [];
    if (entries.length !== j.entries) {
      entryFailures++;
      if (!firstBad) firstBad = `${path.basename(j.file)}: ${r.status} answered ${entries.length} entries for ${j.entries}`;
    }
    for (const [i, e] of entries.entries()) {
      const st = String((e.response && e.response.status) || '');
      if (!/^2\d\d/.test(st)) {
        entryFailures++;
        if (!firstBad) firstBad = `${path.basename(j.file)} entry ${i}: ${st || 'no status'} ${oneLine(JSON.stringify(e.response && e.response.outcome || e))}`;
      }
    }
  }
  const resources = jobs.reduce((n, j) => n + j.entries, 0);
  const bytes = jobs.reduce((n, j) => n + j.body.length, 0);
  out('files', jobs.length);
  out('resources', resources);
  out('bytes', bytes);
  out('resp_bytes', respBytes);
  out('wall_s', wall.toFixed(3));
  out('providers_s', ((waveEnd[0] - start) / 1000).toFixed(3));
  out('patients_s', ((waveEnd[1] - waveEnd[0]) / 1000).toFixed(3));
  out('providers_rps', (waves[0].reduce((n, j) => n + j.entries, 0) / ((waveEnd[0] - start) / 1000)).toFixed(1));
  out('patients_rps', (waves[1].reduce((n, j) => n + j.entries, 0) / ((waveEnd[1] - waveEnd[0]) / 1000)).toFixed(1));
  out('rps', (resources / wall).toFixed(1));
  out('mbps', (bytes / 1e6 / wall).toFixed(2));
  out('slowest_s', `${(slowest.ms / 1000).toFixed(3)} ${path.basename(slowest.file)}`);
  out('non2xx', non2xx);
  out('entry_failures', entryFailures);
  out('first_bad', firstBad);
}

// Walks a resource, counting "reference" values left unresolved and urn:uuid: elsewhere.
function scan(node, key, tally) {
  if (typeof node === 'string') {
    if (key === 'reference') {
      if (node.startsWith('urn:uuid:')) tally.urnRefs++;
      else if (/^[A-Z][A-Za-z]+\?/.test(node)) tally.condRefs++;
    } else if (node.includes('urn:uuid:')) {
      tally.other[key] = (tally.other[key] || 0) + 1;
    }
  } else if (Array.isArray(node)) {
    for (const v of node) scan(v, key, tally);
  } else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) scan(v, k, tally);
  }
}

async function check(base) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const tally = { versions: 0, urnRefs: 0, condRefs: 0, withUrn: 0, other: {} };
  let url = '/_history?_count=1000', pages = 0, bad = '';
  const t0 = performance.now();
  while (url) {
    const r = await request(agent, base, 'GET', url);
    if (r.status !== 200) { bad = `${r.status} ${oneLine(r.body.toString('utf8'))}`; break; }
    const b = JSON.parse(r.body.toString('utf8'));
    pages++;
    for (const e of b.entry || []) {
      if (!e.resource) continue;
      tally.versions++;
      if (JSON.stringify(e.resource).includes('urn:uuid:')) tally.withUrn++;
      scan(e.resource, '', tally);
    }
    const next = (b.link || []).find((l) => l.relation === 'next');
    url = next && (b.entry || []).length ? next.url : null;
  }
  agent.destroy();
  out('versions', tally.versions);
  out('pages', pages);
  out('check_s', ((performance.now() - t0) / 1000).toFixed(2));
  out('with_urn', tally.withUrn);
  out('urn_refs', tally.urnRefs);
  out('cond_refs', tally.condRefs);
  out('urn_elsewhere', Object.entries(tally.other).map(([k, n]) => `${k}:${n}`).join(',') || 'none');
  out('check_error', bad);
}

// The peer has no system history: one page of a type search instead, same tally.
async function spot(base, type) {
  const agent = new http.Agent({ keepAlive: false });
  const tally = { versions: 0, urnRefs: 0, condRefs: 0, withUrn: 0, other: {} };
  const r = await request(agent, base, 'GET', `/${type}?_count=1000`);
  let bad = '';
  if (r.status !== 200) bad = `${r.status} ${oneLine(r.body.toString('utf8'))}`;
  else for (const e of JSON.parse(r.body.toString('utf8')).entry || []) if (e.resource) { tally.versions++; scan(e.resource, '', tally); }
  out('spot_type', type);
  out('spot_read', tally.versions);
  out('spot_urn_refs', tally.urnRefs);
  out('spot_cond_refs', tally.condRefs);
  out('spot_error', bad);
}

const [mode, ...args] = process.argv.slice(2);
bearer = readToken({ post: args[3], check: args[1], spot: args[2] }[mode]);
const run = mode === 'post' ? post(args[0], Number(args[1]), args[2]) : mode === 'check' ? check(args[0])
  : mode === 'spot' ? spot(args[0], args[1]) : null;
if (!run) { console.error('usage: node ingest.cjs post BASE_URL CLIENTS LIST_FILE [TOKEN_FILE] | check BASE_URL [TOKEN_FILE] | spot BASE_URL TYPE [TOKEN_FILE]'); process.exit(2); }
run.catch((e) => { console.error(`ingest.cjs: ${e.stack || e}`); process.exit(1); });
