// Token endpoint client for bench/run (Node, no packages): SMART Backend Services
// client_credentials grants with a fresh private_key_jwt assertion on every request.
//
//   node token.cjs BASE_URL CAREBRIDGE DB CLIENT_ID CLIENTS COUNT OUT_DIR [SERVER_PID]
//     Generates an ES384 (P-384) key pair, writes its public half as a JWK Set to
//     OUT_DIR/CLIENT_ID.jwks.json (kid: the RFC 7638 thumbprint) and registers CLIENT_ID with
//     it (`CAREBRIDGE client add --db DB --jwks FILE`, role admin) while the server runs; waits
//     until the server knows the client (it follows the registry within its change poll). Then
//     signs every assertion before the clock starts (iss = sub = CLIENT_ID, aud = BASE_URL/
//     auth/token, exp 240 s ahead, a unique jti, hl7-b2b purpose_of_use TREAT), posts a
//     discarded warm-up, and posts COUNT grants to BASE_URL/auth/token (scope system/*.rs) over
//     CLIENTS keep-alive connections, one request in flight on each, each taking the next
//     assertion. The clock runs from the first request to the last answer. After it stops,
//     every answer is checked (200, JSON with an access_token, token_type bearer, expires_in,
//     every token distinct), one issued token must read GET /Patient?_count=1, and replaying a
//     used assertion must be refused. With SERVER_PID, the server's CPU time (user + system)
//     during the measured requests.
//
// Prints one "BENCH key value" line per figure, like common.lua, for bench/run to read.
'use strict';
const crypto = require('crypto');
const fs = require('fs');
const http = require('http');
const path = require('path');
const { execFileSync } = require('child_process');

const out = (k, v) => process.stdout.write(`BENCH ${k} ${v}\n`);
const oneLine = (s) => String(s).replace(/\s+/g, ' ').slice(0, 300);
const b64url = (buf) => Buffer.from(buf).toString('base64url');
const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
const PURPOSE = 'urn:oid:2.16.840.1.113883.5.8#TREAT';
const SCOPE = 'system/*.rs';
const ASSERTION_SECONDS = 240; // the server takes at most 300 s; every run here ends well before
const REGISTER_WAIT_MS = 10000;

function request(agent, base, method, urlPath, headers, body) {
  return new Promise((resolve) => {
    const u = new URL(urlPath, base);
    const t0 = performance.now();
    const h = { ...headers };
    if (body !== undefined) h['Content-Length'] = Buffer.byteLength(body);
    const req = http.request({ agent, host: u.hostname, port: u.port, method, path: u.pathname + u.search, headers: h },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString('utf8'), ms: performance.now() - t0 }));
        res.on('error', (e) => resolve({ status: 0, body: String(e), ms: performance.now() - t0 }));
      });
    req.setTimeout(60000, () => req.destroy(new Error('no answer within 60 s')));
    req.on('error', (e) => resolve({ status: 0, body: `socket error: ${e.message}`, ms: performance.now() - t0 }));
    req.end(body);
  });
}

// RFC 7638: SHA-256 of the required members, in lexicographic order, no whitespace.
function thumbprint(jwk) {
  return b64url(crypto.createHash('sha256').update(JSON.stringify({ crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y })).digest());
}

function signer(privateKey, kid, clientId, aud) {
  const header = b64url(JSON.stringify({ alg: 'ES384', typ: 'JWT', kid }));
  return () => {
    const now = Math.floor(Date.now() / 1000);
    const claims = {
      iss: clientId, sub: clientId, aud, iat: now, exp: now + ASSERTION_SECONDS, jti: crypto.randomUUID(),
      extensions: { 'hl7-b2b': { purpose_of_use: [PURPOSE] } },
    };
    const input = `${header}.${b64url(JSON.stringify(claims))}`;
    // JWS ES384 signatures are r || s (IEEE P1363), not DER.
    const sig = crypto.sign('sha384', Buffer.from(input), { key: privateKey, dsaEncoding: 'ieee-p1363' });
    return new URLSearchParams({
      grant_type: 'client_credentials', client_assertion_type: ASSERTION_TYPE,
      client_assertion: `${input}.${b64url(sig)}`, scope: SCOPE,
    }).toString();
  };
}

const FORM = { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' };

// Posts every body over CLIENTS connections, each taking the next; answers in order of bodies.
async function postAll(base, clients, bodies) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: clients });
  const answers = new Array(bodies.length);
  let next = 0;
  const worker = async () => {
    while (next < bodies.length) {
      const i = next++;
      answers[i] = await request(agent, base, 'POST', '/auth/token', FORM, bodies[i]);
    }
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: Math.min(clients, bodies.length) }, worker));
  const wall = (performance.now() - t0) / 1000;
  agent.destroy();
  return { answers, wall };
}

// What a good answer holds (RFC 6749 §5.1; SMART Backend Services); a reason when it does not.
function badAnswer(a) {
  if (a.status !== 200) return `${a.status} ${oneLine(a.body)}`;
  let b;
  try { b = JSON.parse(a.body); } catch { return `200 with a body that is not JSON: ${oneLine(a.body)}`; }
  if (typeof b.access_token !== 'string' || !b.access_token) return `200 without an access_token: ${oneLine(a.body)}`;
  if (String(b.token_type).toLowerCase() !== 'bearer') return `token_type ${b.token_type}`;
  if (!(Number(b.expires_in) > 0)) return `expires_in ${b.expires_in}`;
  if (typeof b.scope !== 'string' || !b.scope.includes('system/')) return `scope ${b.scope}`;
  return '';
}

function cpuSeconds(pid) {
  if (!pid) return null;
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) / cpuSeconds.hz;
}

function percentile(sorted, p) {
  return sorted.length ? sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)] : 0;
}

async function main(base, carebridge, db, clientId, clients, count, outDir, serverPid) {
  const { privateKey, publicKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'P-384' });
  const jwk = publicKey.export({ format: 'jwk' });
  const kid = thumbprint(jwk);
  const jwksFile = path.join(outDir, `${clientId}.jwks.json`);
  fs.writeFileSync(jwksFile, JSON.stringify({ keys: [{ ...jwk, kid, alg: 'ES384', use: 'sig' }] }, null, 2));
  execFileSync(carebridge, ['client', 'add', '--db', db, '--id', clientId, '--role', 'admin',
    '--organization', 'Organization/bench', '--jwks', jwksFile], { stdio: ['ignore', 'ignore', 'inherit'] });
  const sign = signer(privateKey, kid, clientId, `${base}/auth/token`);

  // The server picks the registration up from the store on its next poll.
  const probe = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const waitStart = performance.now();
  for (;;) {
    const a = await request(probe, base, 'POST', '/auth/token', FORM, sign());
    if (a.status === 200) break;
    if (!a.body.includes('not a registered client') || performance.now() - waitStart > REGISTER_WAIT_MS)
      throw new Error(`the token endpoint refuses the registered client: ${a.status} ${oneLine(a.body)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  probe.destroy();
  out('registered_after_s', ((performance.now() - waitStart) / 1000).toFixed(3));

  const warmupCount = Math.min(250, Math.max(clients, Math.floor(count / 10)));
  const t0 = performance.now();
  const warmup = Array.from({ length: warmupCount }, sign);
  const bodies = Array.from({ length: count }, sign);
  out('sign_s', ((performance.now() - t0) / 1000).toFixed(3));

  const w = await postAll(base, clients, warmup);
  const cpu0 = cpuSeconds(serverPid);
  const run = await postAll(base, clients, bodies);
  const cpu1 = cpuSeconds(serverPid);

  // Checked after the clock.
  let non2xx = 0, firstBad = '';
  const tokens = new Set();
  for (const [i, a] of [...w.answers, ...run.answers].entries()) {
    const why = badAnswer(a);
    if (why) {
      non2xx++;
      if (!firstBad) firstBad = `${i < w.answers.length ? 'warm-up ' : ''}answer ${i}: ${why}`;
      continue;
    }
    tokens.add(JSON.parse(a.body).access_token);
  }
  if (!non2xx && tokens.size !== warmup.length + bodies.length) {
    non2xx = warmup.length + bodies.length - tokens.size;
    firstBad = `${non2xx} access tokens issued twice`;
  }
  const check = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const issued = tokens.values().next().value;
  const use = issued ? await request(check, base, 'GET', '/Patient?_count=1',
    { Accept: 'application/fhir+json', Authorization: `Bearer ${issued}` }) : { status: 0, body: 'no token issued' };
  const replay = await request(check, base, 'POST', '/auth/token', FORM, bodies[0]);
  check.destroy();

  const ms = run.answers.map((a) => a.ms).sort((a, b) => a - b);
  out('requests', count);
  out('clients', clients);
  out('wall_s', run.wall.toFixed(3));
  out('rps', (count / run.wall).toFixed(1));
  out('p50_us', Math.round(percentile(ms, 50) * 1000));
  out('p99_us', Math.round(percentile(ms, 99) * 1000));
  out('max_us', Math.round(ms[ms.length - 1] * 1000));
  if (cpu0 !== null) {
    out('cpu_s', (cpu1 - cpu0).toFixed(2));
    out('cpu_us_per_req', Math.round(((cpu1 - cpu0) / count) * 1e6));
  }
  out('warmup', warmup.length);
  out('non2xx', non2xx);
  out('first_bad', firstBad);
  out('token_reads', use.status === 200 ? 'yes' : `no: ${use.status} ${oneLine(use.body)}`);
  out('replay_refused', replay.status === 400 && replay.body.includes('invalid_client') ? 'yes' : `no: ${replay.status} ${oneLine(replay.body)}`);
}

const args = process.argv.slice(2);
if (args.length < 7) {
  console.error('usage: node token.cjs BASE_URL CAREBRIDGE DB CLIENT_ID CLIENTS COUNT OUT_DIR [SERVER_PID]');
  process.exit(2);
}
cpuSeconds.hz = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
main(args[0], args[1], args[2], args[3], Number(args[4]), Number(args[5]), args[6], Number(args[7]) || 0)
  .catch((e) => { console.error(`token.cjs: ${e.stack || e}`); process.exit(1); });
