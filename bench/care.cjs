// Care phase helper for bench/run (Node, no packages): the registry's population, and timed
// registry requests.
//
//   node care.cjs population FIXTURES PATIENTS SEED OUT_DIR
//     Writes PATIENTS transaction Bundles, one per patient, to OUT_DIR/patients/NNNNN.json, and
//     the provider batches their conditional references need (FIXTURES/{california,new_york}/
//     hospitalInformation*, practitionerInformation*) to OUT_DIR/providers/ as they are.
//     Patient i is a clone of Synthea patient i mod N of FIXTURES (N = 25 in
//     exafluence-qicore-2025), deterministic for SEED: a new id for every resource (fullUrl
//     urn:uuid, POST), and a person of its own, so the gateway's matching links no two clones:
//     family name with a letter code appended (names are compared without digits), its own
//     SSN, MRN and other identifiers (a `urn:carebridge:bench:care|care-NNNNN` identifier
//     too), phone and house number, a birth date no other clone of the same patient has, no
//     deceased date. Kept, lean: the Patient, the last 10 Encounters, the last 5
//     MedicationRequests (and the Medications they name), the last 5 CarePlans; references to
//     what was left out (Conditions, CareTeams, encounters) are dropped, conditional references
//     to providers stay; narratives (`text`) are dropped. Every date is shifted by whole days
//     so the clone's newest Synthea data lies a few days before now (for patients who stopped
//     coming: before their last score). Added per patient, the care the registry is about:
//       - a PHQ-9 series (Observation, LOINC 44261-6, valueInteger, category survey): 3 to 8
//         scores 11 to 21 days apart; baseline 10-24 (15% 5-9, mild: not in treatment for the
//         instrument); 40% respond (down 50-90% by the last score), 30% stall (within a few
//         points: not-improving once 4 weeks in), 30% stopped coming (last score 35-170 days
//         ago: overdue-reassessment, no-contact); the others' last score 0-21 days ago;
//       - 12% carry the nine item components (LA answer codes) on their last score, item 9
//         positive in half of them (safety-item);
//       - 70% an active behavioral-health CarePlan (SNOMED 718347000 Mental health care plan)
//         from the baseline: active treatment beyond the last score;
//       - Appointments: half of the patients have an attended (fulfilled) one at their last
//         score; half of those still coming one booked 1-28 days ahead (the registry's next
//         appointment); half of those who stopped two no-shows after their last score
//         (missed-appointments).
//     Prints BENCH lines: patients, files, resources (entries of the patient bundles), bytes,
//     provider_files, provider_resources, provider_bytes, per-type counts, the series' shares.
//   node care.cjs get BASE_URL TOKEN_FILE PATH N BUDGET_S [OUT_PREFIX]
//     One discarded warm-up GET of PATH, then N sequential GETs over one keep-alive
//     connection (Authorization: Bearer, the first line of TOKEN_FILE), fewer once BUDGET_S
//     seconds have passed (at least 5); prints requests, p50/p95/min/max ms (each measured from
//     sending the request to the last byte of the answer), status, bytes, rows (CSV lines, or
//     `row` parameters), persons (Parameters total, or distinct patients of the CSV), flagged
//     rows and the open flags by code, the measures; the last answer goes to OUT_PREFIX.body.
//   node care.cjs group BASE_URL TOKEN_FILE CSV_FILE ID SIZE
//     PUTs Group/ID (type person, actual) whose members are SIZE patients of the registry CSV
//     in CSV_FILE (the population's rows), evenly spread over it; prints members.
//
// Prints one "BENCH key value" line per figure, like common.lua, for bench/run to read.
'use strict';
const crypto = require('crypto');
const fs = require('fs');
const http = require('http');
const path = require('path');

const out = (k, v) => process.stdout.write(`BENCH ${k} ${v}\n`);
const oneLine = (s) => String(s).replace(/\s+/g, ' ').slice(0, 300);
const DAY = 86400000;

// --- population ------------------------------------------------------------------------------

// mulberry32 over a 32-bit seed taken from a hash of the parts: the same patient always gets
// the same draws, whatever the order files are written in.
function rng(...parts) {
  let a = crypto.createHash('md5').update(parts.join('/')).digest().readUInt32LE(0);
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const between = (r, lo, hi) => lo + Math.floor(r() * (hi - lo + 1)); // whole, inclusive

function uuidOf(...parts) {
  const h = crypto.createHash('md5').update(parts.join('/')).digest('hex').split('');
  h[12] = '4';
  h[16] = ((parseInt(h[16], 16) & 3) | 8).toString(16);
  const s = h.join('');
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
}

// "AB..": a letter code per clone (the matcher compares names without digits).
function letters(n) {
  let s = '';
  do { s = String.fromCharCode(97 + (n % 26)) + s; n = Math.floor(n / 26); } while (n > 0);
  return s;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DATETIME = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
// A FHIR date or dateTime moved by whole days, in the form it came in (offset kept).
function shiftDate(s, days) {
  if (DATE.test(s)) return new Date(Date.parse(`${s}T00:00:00Z`) + days * DAY).toISOString().slice(0, 10);
  const m = DATETIME.exec(s);
  if (!m) return s;
  const moved = new Date(Date.parse(`${m[1]}Z`) + days * DAY).toISOString().slice(0, 19);
  return `${moved}${m[2] || ''}${m[3]}`;
}
function shiftAll(node, days) {
  if (Array.isArray(node)) { node.forEach((v, i) => { if (typeof v === 'string') node[i] = shiftDate(v, days); else shiftAll(v, days); }); return; }
  if (!node || typeof node !== 'object') return;
  for (const [k, v] of Object.entries(node)) {
    if (typeof v === 'string') node[k] = shiftDate(v, days);
    else shiftAll(v, days);
  }
}
function latestDate(node, acc = { ms: -Infinity }) {
  if (Array.isArray(node)) { node.forEach((v) => latestDate(v, acc)); return acc; }
  if (typeof node === 'string') {
    if (DATE.test(node) || DATETIME.test(node)) acc.ms = Math.max(acc.ms, Date.parse(DATE.test(node) ? `${node}T00:00:00Z` : node));
    return acc;
  }
  if (node && typeof node === 'object') for (const v of Object.values(node)) latestDate(v, acc);
  return acc;
}

// Drops every Reference to a urn:uuid that is not kept: from arrays, and as a member (an array
// left empty goes too).
function dropDangling(node, kept) {
  const dangling = (v) => v && typeof v === 'object' && typeof v.reference === 'string' &&
    v.reference.startsWith('urn:uuid:') && !kept.has(v.reference);
  if (Array.isArray(node)) {
    for (let i = node.length - 1; i >= 0; i--) {
      if (dangling(node[i])) node.splice(i, 1);
      else dropDangling(node[i], kept);
    }
    return;
  }
  if (!node || typeof node !== 'object') return;
  for (const [k, v] of Object.entries(node)) {
    if (dangling(v)) { delete node[k]; continue; }
    dropDangling(v, kept);
    if (Array.isArray(v) && v.length === 0) delete node[k];
  }
}

const byDate = (f) => (a, b) => (f(a) < f(b) ? -1 : f(a) > f(b) ? 1 : 0);
const last = (arr, n, f) => [...arr].sort(byDate(f)).slice(-n);

// The sources: each Synthea patient bundle's resources by type.
function loadSources(fixtures) {
  const sources = [];
  const providers = [];
  for (const d of ['california', 'new_york']) {
    const dir = path.join(fixtures, d);
    for (const f of fs.readdirSync(dir).sort()) {
      if (!f.endsWith('.json') || f === 'synthea-run-metadata.json') continue;
      const file = path.join(dir, f);
      if (/^(hospitalInformation|practitionerInformation)/.test(f)) { providers.push(file); continue; }
      const b = JSON.parse(fs.readFileSync(file, 'utf8'));
      const of = (t) => b.entry.filter((e) => e.resource.resourceType === t);
      const patient = of('Patient')[0];
      if (!patient) continue;
      const encounters = last(of('Encounter'), 10, (e) => e.resource.period.start);
      const meds = last(of('MedicationRequest'), 5, (e) => e.resource.authoredOn || '');
      const plans = last(of('CarePlan'), 5, (e) => (e.resource.period || {}).start || '');
      const named = new Set(meds.map((e) => (e.resource.medicationReference || {}).reference).filter(Boolean));
      const medications = of('Medication').filter((e) => named.has(e.fullUrl));
      sources.push({ file, entries: [patient, ...encounters, ...meds, ...medications, ...plans] });
    }
  }
  return { sources, providers };
}

const LOINC = 'http://loinc.org';
const PHQ9_ITEMS = ['44250-9', '44255-8', '44259-0', '44254-1', '44251-7', '44258-2', '44252-5', '44253-3', '44260-8'];
const LA = [['LA6568-5', 'Not at all'], ['LA6569-3', 'Several days'], ['LA6570-1', 'More than half the days'], ['LA6571-9', 'Nearly every day']];

// The PHQ-9 series and what goes with it, as of now.
function careOf(r, now) {
  const u = r();
  const kind = u < 0.4 ? 'respond' : u < 0.7 ? 'stall' : 'stopped';
  const n = between(r, 3, 8);
  const gaps = Array.from({ length: n - 1 }, () => between(r, 11, 21));
  const lastAgo = kind === 'stopped' ? between(r, 35, 170) : between(r, 0, 21);
  const lastMs = now - lastAgo * DAY - between(r, 1, 8) * 3600000;
  const when = [lastMs];
  for (let i = gaps.length - 1; i >= 0; i--) when.unshift(when[0] - gaps[i] * DAY);
  const baseline = r() < 0.15 ? between(r, 5, 9) : between(r, 10, 24);
  const drop = 0.5 + r() * 0.4; // respond: the share gone by the last score
  const scores = when.map((_, i) => {
    const t = n > 1 ? i / (n - 1) : 0;
    let s;
    if (kind === 'respond') s = baseline * (1 - drop * t) + between(r, -1, 1);
    else if (kind === 'stall') s = baseline + between(r, -3, 2);
    else s = baseline * (1 - 0.15 * t) + between(r, -2, 2);
    return Math.max(0, Math.min(27, Math.round(i === 0 ? baseline : s)));
  });
  const items = r() < 0.12 ? { positive: r() < 0.5 } : null;
  const plan = r() < 0.7;
  // The visit of the last score, attended, for half of them (the no-show rate's other side).
  const appointments = r() < 0.5 ? [{ status: 'fulfilled', start: lastMs - 1800000 }] : [];
  if (kind !== 'stopped' && r() < 0.5) {
    appointments.push({ status: 'booked', start: now + between(r, 1, 28) * DAY + between(r, 8, 16) * 3600000 });
  } else if (kind === 'stopped' && r() < 0.5) {
    appointments.push({ status: 'noshow', start: lastMs + between(r, 5, 12) * DAY });
    appointments.push({ status: 'noshow', start: lastMs + between(r, 14, 30) * DAY });
  }
  return { kind, when, scores, items, plan, appointments, lastMs };
}

// Nine item answers summing to total, item 9 positive or not.
function itemValues(r, total, positive) {
  const v = new Array(9).fill(0);
  v[8] = positive ? Math.min(3, Math.max(1, total >= 2 ? between(r, 1, 2) : 1)) : 0;
  let rest = total - v[8];
  if (rest < 0) { v[8] = total; rest = 0; }
  while (rest > 24) { v[8]++; rest--; }
  while (rest > 0) {
    const i = between(r, 0, 7);
    if (v[i] < 3) { v[i]++; rest--; }
  }
  return v;
}

const iso = (ms) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, '+00:00');

function clonePatient(src, i, k, seed, now, birthsTaken) {
  const r = rng(seed, 'patient', i);
  const care = careOf(r, now);
  const ids = new Map(); // old urn:uuid -> new
  for (const e of src.entries) ids.set(e.fullUrl, `urn:uuid:${uuidOf(seed, i, e.fullUrl)}`);
  const oldIds = new Map([...ids].map(([a, b]) => [a.slice(9), b.slice(9)]));
  // Every id of the source (fullUrls, references, identifier values) gets the clone's.
  const text = JSON.stringify(src.entries).replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g,
    (u) => oldIds.get(u) || u);
  const entries = JSON.parse(text);
  const kept = new Set(entries.map((e) => e.fullUrl));
  let patientEntry = null;
  for (const e of entries) {
    const res = e.resource;
    delete res.text;
    dropDangling(res, kept);
    e.request = { method: 'POST', url: res.resourceType };
    if (res.resourceType === 'Patient') patientEntry = e;
  }
  const p = patientEntry.resource;
  const patientRef = patientEntry.fullUrl;
  // Shift: the newest Synthea date (not the birth date) to a few days before now, or before
  // the last score for someone who stopped coming.
  const birth = p.birthDate;
  delete p.birthDate;
  delete p.deceasedDateTime;
  delete p.deceasedBoolean;
  const newest = latestDate(entries.filter((e) => e !== patientEntry).map((e) => e.resource)).ms;
  const anchor = care.kind === 'stopped' ? care.lastMs - between(r, 0, 7) * DAY : now - between(r, 1, 14) * DAY;
  const days = Number.isFinite(newest) ? Math.floor((anchor - newest) / DAY) : 0;
  for (const e of entries) shiftAll(e.resource, days);
  // A birth date of its own among the clones of this patient.
  let b = shiftDate(birth, days);
  while (birthsTaken.has(b)) b = shiftDate(b, -1);
  birthsTaken.add(b);
  p.birthDate = b;
  const code = letters(k + 26); // at least two letters
  for (const nm of p.name || []) if (nm.family) nm.family = `${nm.family}${code}`;
  const no = String(i).padStart(8, '0');
  for (const id of p.identifier || []) {
    if (id.system === 'http://hl7.org/fhir/sid/us-ssn') id.value = `9${no.slice(0, 2)}-${no.slice(2, 4)}-${no.slice(4)}`;
    else if (!/[0-9a-f]{8}-[0-9a-f]{4}-/.test(id.value || '')) id.value = `${id.value}C${no}`;
  }
  p.identifier = [...(p.identifier || []), { system: 'urn:carebridge:bench:care', value: `care-${String(i).padStart(5, '0')}` }];
  for (const t of p.telecom || []) if (t.system === 'phone') t.value = `555-${no.slice(1, 4)}-${no.slice(4)}`;
  for (const a of p.address || []) if (a.line && a.line[0]) a.line[0] = a.line[0].replace(/^\d+/, String(100 + i));
  // The care added.
  const add = (resource) => {
    const fullUrl = `urn:uuid:${uuidOf(seed, i, 'care', entries.length)}`;
    entries.push({ fullUrl, resource, request: { method: 'POST', url: resource.resourceType } });
  };
  const subject = { reference: patientRef };
  care.when.forEach((ms, j) => {
    const obs = {
      resourceType: 'Observation',
      status: 'final',
      category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'survey', display: 'Survey' }] }],
      code: { coding: [{ system: LOINC, code: '44261-6', display: 'Patient Health Questionnaire 9 item (PHQ-9) total score [Reported]' }], text: 'PHQ-9 total score' },
      subject,
      effectiveDateTime: iso(ms),
      issued: iso(ms + 600000),
      valueInteger: care.scores[j],
    };
    if (care.items && j === care.when.length - 1) {
      const v = itemValues(r, care.scores[j], care.items.positive);
      obs.component = v.map((x, q) => ({
        code: { coding: [{ system: LOINC, code: PHQ9_ITEMS[q] }] },
        valueCodeableConcept: { coding: [{ system: LOINC, code: LA[x][0], display: LA[x][1] }] },
      }));
    }
    add(obs);
  });
  if (care.plan) {
    add({
      resourceType: 'CarePlan',
      status: 'active',
      intent: 'plan',
      category: [{ coding: [{ system: 'http://snomed.info/sct', code: '718347000', display: 'Mental health care plan (record artifact)' }] }],
      title: 'Collaborative care: depression',
      subject,
      period: { start: iso(care.when[0]) },
    });
  }
  for (const a of care.appointments) {
    add({
      resourceType: 'Appointment',
      status: a.status,
      serviceType: [{ coding: [{ system: 'http://snomed.info/sct', code: '408467006', display: 'Adult mental illness' }] }],
      start: iso(a.start),
      end: iso(a.start + 45 * 60000),
      participant: [{ actor: subject, status: 'accepted' }],
    });
  }
  return { bundle: { resourceType: 'Bundle', type: 'transaction', entry: entries }, care };
}

function population(fixtures, patients, seed, outDir) {
  const now = Date.now();
  const { sources, providers } = loadSources(fixtures);
  if (sources.length === 0) throw new Error(`no Synthea patient bundles in ${fixtures}`);
  const pdir = path.join(outDir, 'providers');
  const cdir = path.join(outDir, 'patients');
  fs.mkdirSync(pdir, { recursive: true });
  fs.mkdirSync(cdir, { recursive: true });
  let providerResources = 0, providerBytes = 0;
  for (const f of providers) {
    const text = fs.readFileSync(f);
    fs.writeFileSync(path.join(pdir, path.basename(f)), text); // names unique: a timestamp per state
    providerResources += (JSON.parse(text).entry || []).length;
    providerBytes += text.length;
  }
  const births = sources.map(() => new Set());
  const types = {};
  const kinds = {};
  let resources = 0, bytes = 0, items = 0, positive = 0, plans = 0, booked = 0, noshow = 0, fulfilled = 0, treated = 0;
  for (let i = 0; i < patients; i++) {
    const s = i % sources.length;
    const { bundle, care } = clonePatient(sources[s], i, Math.floor(i / sources.length), seed, now, births[s]);
    const text = JSON.stringify(bundle);
    fs.writeFileSync(path.join(cdir, `${String(i).padStart(5, '0')}.json`), text);
    resources += bundle.entry.length;
    bytes += Buffer.byteLength(text);
    for (const e of bundle.entry) types[e.resource.resourceType] = (types[e.resource.resourceType] || 0) + 1;
    kinds[care.kind] = (kinds[care.kind] || 0) + 1;
    if (care.scores[0] >= 10) treated++;
    if (care.items) { items++; if (care.items.positive) positive++; }
    if (care.plan) plans++;
    for (const a of care.appointments) {
      if (a.status === 'booked') booked++;
      else if (a.status === 'noshow') noshow++;
      else fulfilled++;
    }
  }
  out('patients', patients);
  out('sources', sources.length);
  out('files', patients);
  out('resources', resources);
  out('bytes', bytes);
  out('provider_files', providers.length);
  out('provider_resources', providerResources);
  out('provider_bytes', providerBytes);
  out('types', Object.entries(types).sort().map(([t, n]) => `${t} ${n}`).join(', '));
  out('series', Object.entries(kinds).sort().map(([t, n]) => `${t} ${n}`).join(', '));
  out('baseline_10_plus', treated);
  out('with_items', items);
  out('item9_positive', positive);
  out('bh_careplans', plans);
  out('booked', booked);
  out('noshows', noshow);
  out('fulfilled', fulfilled);
  out('now', new Date(now).toISOString());
}

// --- get: timed registry requests ------------------------------------------------------------

function request(agent, base, method, urlPath, bearer, body) {
  return new Promise((resolve) => {
    const u = new URL(urlPath, base);
    const headers = { Accept: 'application/fhir+json', Authorization: bearer };
    if (body) { headers['Content-Type'] = 'application/fhir+json'; headers['Content-Length'] = Buffer.byteLength(body); }
    const t0 = process.hrtime.bigint();
    const req = http.request({ agent, method, host: u.hostname, port: u.port, path: u.pathname + u.search, headers }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(chunks), ms: Number(process.hrtime.bigint() - t0) / 1e6, type: res.headers['content-type'] || '' }));
    });
    req.setTimeout(600000, () => req.destroy(new Error('no answer within 600 s')));
    req.on('error', (e) => resolve({ status: 0, body: Buffer.from(`socket error: ${e.message}`), ms: Number(process.hrtime.bigint() - t0) / 1e6, type: '' }));
    if (body) req.write(body);
    req.end();
  });
}

const bearerOf = (tokenFile) => `Bearer ${fs.readFileSync(tokenFile, 'utf8').split('\n')[0].trim()}`;
const pct = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];

async function timedGets(base, tokenFile, urlPath, n, budgetS, prefix) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const bearer = bearerOf(tokenFile);
  const warm = await request(agent, base, 'GET', urlPath, bearer);
  const times = [];
  let lastAnswer = warm, bad = warm.status === 200 ? 0 : 1, firstBad = warm.status === 200 ? '' : `${warm.status} ${oneLine(warm.body)}`;
  const t0 = Date.now();
  for (let j = 0; j < n && (j < 5 || Date.now() - t0 < budgetS * 1000); j++) {
    const a = await request(agent, base, 'GET', urlPath, bearer);
    times.push(a.ms);
    lastAnswer = a;
    if (a.status !== 200) { bad++; if (!firstBad) firstBad = `${a.status} ${oneLine(a.body)}`; }
  }
  agent.destroy();
  const s = [...times].sort((a, b) => a - b);
  out('requests', times.length);
  out('warmup_ms', warm.ms.toFixed(1));
  out('p50_ms', pct(s, 50).toFixed(1));
  out('p95_ms', pct(s, 95).toFixed(1));
  out('min_ms', s[0].toFixed(1));
  out('max_ms', s[s.length - 1].toFixed(1));
  out('mean_ms', (s.reduce((a, b) => a + b, 0) / s.length).toFixed(1));
  out('status', lastAnswer.status);
  out('bytes', lastAnswer.body.length);
  out('non200', bad);
  if (firstBad) out('first_bad', firstBad);
  const text = lastAnswer.body.toString('utf8');
  if (prefix) fs.writeFileSync(`${prefix}.body`, lastAnswer.body);
  if (lastAnswer.type.startsWith('text/csv')) {
    const lines = text.split('\r\n').filter(Boolean);
    out('rows', lines.length - 1);
    out('persons', new Set(lines.slice(1).map((l) => l.split(',')[0])).size);
    // open_flags is the 12th column; no field holds a comma (ids, codes, dates, numbers).
    out('flagged_rows', lines.slice(1).filter((l) => l.split(',')[11]).length);
  } else {
    try {
      const b = JSON.parse(text);
      const params = b.parameter || [];
      out('rows', params.filter((x) => x.name === 'row').length);
      out('persons', (params.find((x) => x.name === 'total') || {}).valueInteger);
      out('measures', params.filter((x) => x.name === 'measure').length);
      const flags = {};
      for (const row of params.filter((x) => x.name === 'row')) {
        for (const part of row.part || []) if (part.name === 'open_flag') flags[part.valueCode] = (flags[part.valueCode] || 0) + 1;
      }
      out('flagged_rows', params.filter((x) => x.name === 'row' && (x.part || []).some((q) => q.name === 'open_flag')).length);
      out('open_flags', Object.entries(flags).sort().map(([f, c]) => `${f} ${c}`).join(', ') || 'none');
      const ms = params.filter((x) => x.name === 'measure').map((m) => {
        const get = (k) => (m.part.find((q) => q.name === k) || {});
        const v = get('value').valueDecimal;
        return `${get('code').valueCode} ${get('numerator').valueInteger}/${get('denominator').valueInteger}${v === undefined ? '' : ` (${v}${get('unit').valueString ? ' ' + get('unit').valueString : ''})`}`;
      });
      if (ms.length) out('measure_values', ms.join('; '));
    } catch (e) {
      out('parse_error', oneLine(e.message));
    }
  }
}

// --- group: a caseload of the population ---------------------------------------------------

async function group(base, tokenFile, csvFile, id, size) {
  const lines = fs.readFileSync(csvFile, 'utf8').split('\r\n').filter(Boolean).slice(1);
  const persons = [...new Set(lines.map((l) => l.split(',')[0]))];
  if (persons.length === 0) throw new Error(`no patients in ${csvFile}`);
  const step = Math.max(1, Math.floor(persons.length / size));
  const members = [];
  for (let j = 0; j < persons.length && members.length < size; j += step) members.push(persons[j]);
  const body = JSON.stringify({
    resourceType: 'Group', id, type: 'person', actual: true, name: 'Bench caseload',
    member: members.map((p) => ({ entity: { reference: `Patient/${p}` } })),
  });
  const agent = new http.Agent({ keepAlive: false });
  const a = await request(agent, base, 'PUT', `/Group/${id}`, bearerOf(tokenFile), body);
  out('status', a.status);
  out('members', members.length);
  out('ms', a.ms.toFixed(1));
  if (a.status !== 200 && a.status !== 201) { out('first_bad', `${a.status} ${oneLine(a.body)}`); process.exitCode = 1; }
}

const [mode, ...args] = process.argv.slice(2);
(async () => {
  if (mode === 'population') population(args[0], Number(args[1]), args[2], args[3]);
  else if (mode === 'get') await timedGets(args[0], args[1], args[2], Number(args[3]), Number(args[4]), args[5]);
  else if (mode === 'group') await group(args[0], args[1], args[2], args[3], Number(args[4]));
  else { process.stderr.write('usage: care.cjs population|get|group ... (see the top of the file)\n'); process.exit(2); }
})().catch((e) => { process.stderr.write(`care.cjs: ${e.stack || e}\n`); process.exit(1); });
