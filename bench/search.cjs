// Search phase helper for bench/run (Node, no packages): builds the tenfold store's input, and
// picks and checks the searches before anything is measured.
//
//   node search.cjs copies LIST_FILE COPIES OUT_DIR
//     Writes copies 1..COPIES-1 of every bundle named in LIST_FILE (one file per line) into
//     OUT_DIR/cK/, each copy a new population: every UUID anywhere in the bundle (resource ids,
//     fullUrls, references, identifier values, text) is replaced by a UUID derived from it and
//     the copy number, and every other identifier value gets "-cK", in `identifier` elements,
//     conditional references (`Practitioner?identifier=sys|val`) and `ifNoneExist` alike. So
//     each copy's references resolve inside the copy, the provider batches' conditional creates
//     create new providers instead of matching the original ones, and no query about an
//     original patient matches a copy. Writes OUT_DIR/files: LIST_FILE's files, then each
//     copy's in the same order (providers before patients, as `import` needs them).
//   node search.cjs plan LIST_FILE OUT_DIR NAME=BASE_URL[=TOKEN_FILE]...
//     Reads the bundles in LIST_FILE and works out, per patient, how many resources each query
//     must match and include. Per query it picks the patients with 1 to PAGE matches (one page
//     on every server: the peer does not page, CareBridge pages at 20), resolves each patient's
//     id on each server through its MRN (`Patient?identifier=http://hospital.smarthealthit.org|
//     ...`: servers assign their own ids), then sends every query for every picked patient to
//     every server and checks Bundle.total, the entries that match and the entries included
//     against the fixtures. Writes OUT_DIR/NAME.QUERY.lua (`paths = { ... }`) for search.lua.
//     TOKEN_FILE: a file whose first line is an access token, sent to that server on every
//     request as "Authorization: Bearer" (CareBridge requires one); without it, no header.
//
// Prints one "BENCH key value" line per figure, like common.lua, for bench/run to read.
'use strict';
const crypto = require('crypto');
const fs = require('fs');
const http = require('http');
const { fhirGet } = require('./fhir_get.cjs');
const path = require('path');

const out = (k, v) => process.stdout.write(`BENCH ${k} ${v}\n`);
const oneLine = (s) => String(s).replace(/\s+/g, ' ').slice(0, 300);
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;
const hasUuid = (s) => /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i.test(s);
const PAGE = 20; // CareBridge's default page size; the peer has none and answers every match
const MRN = 'http://hospital.smarthealthit.org';
const LOINC_PHQ9 = ['http://loinc.org', '44261-6'];
const ENCOUNTER_SINCE = '2022-01-01';
const readList = (f) => fs.readFileSync(f, 'utf8').split('\n').filter(Boolean);

// --- copies --------------------------------------------------------------------------------

// A version 4 UUID derived from the original and the copy: the same UUID gets the same
// replacement in every file of a copy, so references across files (conditional references to
// the provider bundles' identifiers) still meet.
function copyUuid(u, k) {
  const h = crypto.createHash('md5').update(`${u.toLowerCase()}/${k}`).digest('hex').split('');
  h[12] = '4';
  h[16] = ((parseInt(h[16], 16) & 3) | 8).toString(16);
  const s = h.join('');
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
}

const suffix = (v, k) => (hasUuid(v) ? v : `${v}-c${k}`); // UUIDs were replaced already
// "identifier=sys|val&..." -> the identifier values suffixed (conditional references, ifNoneExist).
function copyCriteria(q, k) {
  return q.split('&').map((p) => {
    const m = /^(identifier(?::[a-z-]+)?)=(.*)$/.exec(p);
    if (!m) return p;
    const bar = m[2].lastIndexOf('|');
    return bar < 0 ? `${m[1]}=${suffix(m[2], k)}` : `${m[1]}=${m[2].slice(0, bar + 1)}${suffix(m[2].slice(bar + 1), k)}`;
  }).join('&');
}

function copyNode(node, key, k) {
  if (Array.isArray(node)) return node.forEach((v) => copyNode(v, key, k));
  if (!node || typeof node !== 'object') return;
  if (key === 'identifier' && typeof node.value === 'string') node.value = suffix(node.value, k);
  for (const [ck, v] of Object.entries(node)) {
    if (typeof v === 'string') {
      const cond = /^([A-Z][A-Za-z]+)\?(.*)$/.exec(v);
      if (ck === 'reference' && cond) node[ck] = `${cond[1]}?${copyCriteria(cond[2], k)}`;
      else if (ck === 'ifNoneExist') node[ck] = copyCriteria(v, k);
      else if (ck === 'url' && key === 'request' && cond) node[ck] = `${cond[1]}?${copyCriteria(cond[2], k)}`;
    } else {
      copyNode(v, ck, k);
    }
  }
}

function copies(listFile, n, outDir) {
  const files = readList(listFile);
  const all = [...files];
  let entries = 0;
  for (const f of files) entries += (JSON.parse(fs.readFileSync(f, 'utf8')).entry || []).length;
  for (let k = 1; k < n; k++) {
    const dir = path.join(outDir, `c${k}`);
    fs.mkdirSync(dir, { recursive: true });
    for (const f of files) {
      const text = fs.readFileSync(f, 'utf8').replace(UUID, (u) => copyUuid(u, k));
      const b = JSON.parse(text);
      copyNode(b, '', k);
      const dest = path.join(dir, path.basename(f));
      fs.writeFileSync(dest, JSON.stringify(b));
      all.push(dest);
    }
  }
  fs.writeFileSync(path.join(outDir, 'files'), all.join('\n') + '\n');
  out('files', all.length);
  out('resources', entries * n);
}

// --- plan: what each query must answer, from the fixtures -----------------------------------

// The queries of the issue, each with what a patient's bundle says it must match and include.
// `date=ge` on a Period matches when the period reaches the day or later (R4: the ranges
// overlap): its end, or its start when it has no end, is on or after the day.
const QUERIES = [
  { id: 'obs-phq9', type: 'Observation',
    text: 'Observation?patient=X&code=http://loinc.org|44261-6&_sort=-date',
    path: (x) => `/Observation?patient=Patient/${x}&code=http://loinc.org%7C44261-6&_sort=-date`,
    expect: (p) => ({ match: p.phq9, include: 0 }) },
  { id: 'careplan-goal', type: 'CarePlan',
    text: 'CarePlan?patient=X&status=active&_include=CarePlan:goal',
    path: (x) => `/CarePlan?patient=Patient/${x}&status=active&_include=CarePlan:goal`,
    expect: (p) => ({ match: p.activePlans.length, include: new Set(p.activePlans.flatMap((c) => c.goal)).size }) },
  { id: 'careplan-careteam', type: 'CarePlan',
    text: 'CarePlan?patient=X&status=active&_include=CarePlan:care-team',
    path: (x) => `/CarePlan?patient=Patient/${x}&status=active&_include=CarePlan:care-team`,
    expect: (p) => ({ match: p.activePlans.length, include: new Set(p.activePlans.flatMap((c) => c.careTeam)).size }) },
  { id: 'patient-mrn', type: 'Patient',
    text: `Patient?identifier=${MRN}|MRN`,
    path: (x, p) => `/Patient?identifier=${encodeURIComponent(MRN)}%7C${encodeURIComponent(p.mrn)}`,
    expect: () => ({ match: 1, include: 0 }) },
  { id: 'encounter-date', type: 'Encounter',
    text: `Encounter?patient=X&date=ge${ENCOUNTER_SINCE} (stand-in for Appointment?patient=X&date=ge...)`,
    path: (x) => `/Encounter?patient=Patient/${x}&date=ge${ENCOUNTER_SINCE}`,
    expect: (p) => ({ match: p.encounters.filter((e) => (e.end || e.start || '') >= ENCOUNTER_SINCE).length, include: 0 }) },
];

function fixturePatients(files) {
  const patients = new Map(); // fullUrl -> facts
  const counts = {};
  const refs = (r, k) => [].concat(r[k] || []).map((x) => x.reference).filter(Boolean);
  for (const f of files) {
    for (const e of JSON.parse(fs.readFileSync(f, 'utf8')).entry || []) {
      const r = e.resource;
      counts[r.resourceType] = (counts[r.resourceType] || 0) + 1;
      if (r.resourceType === 'Patient') {
        const mrn = (r.identifier || []).find((i) => i.system === MRN);
        patients.set(e.fullUrl, { key: e.fullUrl, mrn: mrn && mrn.value, phq9: 0, activePlans: [], encounters: [] });
      }
    }
  }
  for (const f of files) {
    for (const e of JSON.parse(fs.readFileSync(f, 'utf8')).entry || []) {
      const r = e.resource;
      const p = patients.get((r.subject || {}).reference);
      if (!p) continue;
      if (r.resourceType === 'Observation' &&
          ((r.code || {}).coding || []).some((c) => c.system === LOINC_PHQ9[0] && c.code === LOINC_PHQ9[1])) p.phq9++;
      if (r.resourceType === 'CarePlan' && r.status === 'active') p.activePlans.push({ goal: refs(r, 'goal'), careTeam: refs(r, 'careTeam') });
      if (r.resourceType === 'Encounter') p.encounters.push(r.period || {});
    }
  }
  return { patients: [...patients.values()].filter((p) => p.mrn), counts };
}

// base: { url, bearer } ("Bearer <token>", or '' for no Authorization header).
function get(agent, base, urlPath) {
  return fhirGet(agent, base.url, urlPath, base.bearer);
}

// Entries that match vs entries included: by search.mode, or (a server that leaves it out) by
// whether the resource is of the searched type.
function tally(body, type) {
  const b = JSON.parse(body.toString('utf8'));
  if (b.resourceType !== 'Bundle') throw new Error(`answered a ${b.resourceType}: ${oneLine(body.toString('utf8'))}`);
  let match = 0, include = 0;
  for (const e of b.entry || []) {
    const mode = e.search && e.search.mode;
    if (mode === 'outcome') continue;  // notes (ignored parameters, the 42 CFR 2.32 notice), not resources
    if (mode === 'match' || (!mode && e.resource && e.resource.resourceType === type)) match++;
    else include++;
  }
  const next = (b.link || []).some((l) => l.relation === 'next');
  return { total: b.total, match, include, next };
}

async function plan(listFile, outDir, servers) {
  const { patients, counts } = fixturePatients(readList(listFile));
  out('fixture_patients', patients.length);
  out('fixture_appointments', counts.Appointment || 0);
  out('fixture_goals', counts.Goal || 0);
  out('query_ids', QUERIES.map((q) => q.id).join(' '));

  // Each server's id for each patient, through the MRN.
  const ids = {};
  for (const [name, base] of servers) {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    ids[name] = new Map();
    let bad = '';
    for (const p of patients) {
      const r = await get(agent, base, `/Patient?identifier=${encodeURIComponent(MRN)}%7C${encodeURIComponent(p.mrn)}`);
      let b = null;
      try { b = JSON.parse(r.body.toString('utf8')); } catch { /* reported below */ }
      // A searchset holding 42 CFR Part 2 data also carries the notice as an outcome entry.
      const entries = ((b && b.entry) || []).filter((e) => !(e.search && e.search.mode === 'outcome'));
      if (r.status === 200 && entries.length === 1) ids[name].set(p.key, entries[0].resource.id);
      else if (!bad) bad = `MRN ${p.mrn}: ${r.status}, ${entries.length} patients`;
    }
    agent.destroy();
    out(`ids_${name}`, `${ids[name].size}/${patients.length}${bad ? ` (first miss: ${bad})` : ''}`);
  }

  for (const q of QUERIES) {
    const picked = patients.filter((p) => {
      const e = q.expect(p);
      return e.match >= 1 && e.match <= PAGE && servers.every(([name]) => ids[name].has(p.key));
    });
    const range = (xs) => (xs.length ? `${Math.min(...xs)}-${Math.max(...xs)}` : '-');
    out(`${q.id}_text`, q.text);
    out(`${q.id}_patients`, picked.length);
    out(`${q.id}_matches`, range(picked.map((p) => q.expect(p).match)));
    out(`${q.id}_included`, range(picked.map((p) => q.expect(p).include)));
    out(`${q.id}_example`, picked.length ? q.path(ids[servers[0][0]].get(picked[0].key), picked[0]) : '-');
    for (const [name, base] of servers) {
      const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
      const paths = picked.map((p) => q.path(ids[name].get(p.key), p));
      let ok = 0, bytes = 0, first = '', noTotal = 0;
      for (const [i, p] of picked.entries()) {
        const want = q.expect(p);
        const r = await get(agent, base, paths[i]);
        bytes += r.body.length;
        let got;
        try {
          if (r.status !== 200) throw new Error(`${r.status} ${oneLine(r.body.toString('utf8'))}`);
          got = tally(r.body, q.type);
        } catch (e) {
          if (!first) first = `${paths[i]}: ${e.message}`;
          continue;
        }
        if (got.total === undefined) noTotal++;
        if (got.match === want.match && got.include === want.include && (got.total === undefined || got.total === want.match)) ok++;
        else if (!first) first = `${paths[i]}: total ${got.total}, ${got.match} matches, ${got.include} included, want ${want.match} and ${want.include} included`;
      }
      agent.destroy();
      fs.writeFileSync(path.join(outDir, `${name}.${q.id}.lua`),
        `paths = {\n${paths.map((p) => `  ${JSON.stringify(p)},`).join('\n')}\n}\n`);
      out(`${q.id}_${name}_ok`, `${ok}/${picked.length}`);
      out(`${q.id}_${name}_bytes`, picked.length ? Math.round(bytes / picked.length) : 0);
      out(`${q.id}_${name}_no_total`, noTotal);
      out(`${q.id}_${name}_first_bad`, first);
    }
  }
}

// NAME=BASE_URL[=TOKEN_FILE] -> [NAME, { url, bearer }]; base URLs here hold no "=".
function server(arg) {
  const [name, url, tokenFile] = arg.split('=');
  let bearer = '';
  if (tokenFile) {
    const token = fs.readFileSync(tokenFile, 'utf8').split('\n')[0].trim();
    if (!token) throw new Error(`no access token in ${tokenFile}`);
    bearer = `Bearer ${token}`;
  }
  return [name, { url, bearer }];
}

const [mode, ...args] = process.argv.slice(2);
const run = mode === 'copies' ? Promise.resolve().then(() => copies(args[0], Number(args[1]), args[2]))
  : mode === 'plan' ? plan(args[0], args[1], args.slice(2).map(server))
  : null;
if (!run) { console.error('usage: node search.cjs copies LIST_FILE COPIES OUT_DIR | plan LIST_FILE OUT_DIR NAME=BASE_URL[=TOKEN_FILE]...'); process.exit(2); }
run.catch((e) => { console.error(`search.cjs: ${e.stack || e}`); process.exit(1); });
