// Consent phase helper for bench/run (Node, no packages): what consent enforcement costs a
// partner's reads and searches, on one store served with enforcement on and then off.
//
//   node consent.cjs prepare LIST_FILE OUT_DIR PART2_EVERY
//     Splits the Synthea bundles named in LIST_FILE (providers first, as synthea_list writes
//     them) into OUT_DIR/source.files (the provider batches and most patients' transactions, to
//     be imported through an ordinary source) and OUT_DIR/part2.files (every PART2_EVERY-th
//     patient's transaction, imported through a source registered as a Part 2 program, so all of
//     it is labeled 42CFRPart2). Writes Consent resources for about a third of the patients as
//     one transaction bundle, OUT_DIR/consents.json, each referring to its patient by MRN
//     (`Patient?identifier=http://hospital.smarthealthit.org|MRN`: the store assigns ids):
//       - optin-part2: OPTIN, a nested permit naming Organization/bench-partner (role PRCP) for
//         data labeled 42CFRPart2 (2.31: a named recipient, the data scoped): half the Part 2
//         patients, and every tenth other patient (for whom it changes nothing: still evaluated);
//       - optout: OPTOUT, nothing nested: nothing of the patient goes to a partner;
//       - deny-eth-other: OPTIN with a nested deny of ETH data to Organization/bench-other (a
//         consent that applies to the patient but not to bench-partner: still evaluated).
//     Writes OUT_DIR/patients.json (MRN, Part 2 or not, consent kind) for `plan`.
//   node consent.cjs plan BASE_URL ADMIN_TOKEN_FILE PARTNER_TOKEN_FILE OUT_DIR NIDS
//     Against a server with enforcement on: (1) pages GET /_history?_count=1000 as the admin
//     client (a custodian: sees everything) and tallies the current resources by their
//     meta.security labels; (2) counts every type (`T?_summary=count`) as admin and as
//     bench-partner: the difference is what enforcement withholds; (3) checks that the consents
//     decide what they say, per patient (`Condition?patient=...&_summary=count`): an opt-out
//     patient's data and a Part 2 patient's without a consent go to no partner, a Part 2
//     patient's under optin-part2 goes to bench-partner in full; (4) picks NIDS resources for
//     reads by id, half labeled (anything beyond Confidentiality N) and half not, keeping those
//     bench-partner may read (a withheld read answers 404, which wrk would count as a failure),
//     and writes OUT_DIR/consent.reads.lua; (5) writes the partner queries: search.cjs's four
//     (same text; patients whose admin answer has 1 to 20 matches, one page, as search.cjs picks
//     them) and the compartment queries of every patient (Patient/X/Condition,
//     Condition?patient=X&_summary=count, Patient/X/$everything, its first page), each path
//     asked as bench-partner (kept if 200) and as admin, to count the answers where entries were
//     withheld; OUT_DIR/consent.QUERY.lua for search.lua. Patients are found by MRN, counting
//     only search.mode "match" entries: a searchset touching Part 2 records also carries the
//     42 CFR 2.32 notice as an "outcome" entry.
//
// Prints one "BENCH key value" line per figure, like common.lua, for bench/run to read.
'use strict';
const fs = require('fs');
const http = require('http');
const { fhirGet } = require('./fhir_get.cjs');
const path = require('path');

const out = (k, v) => process.stdout.write(`BENCH ${k} ${v}\n`);
const oneLine = (s) => String(s).replace(/\s+/g, ' ').slice(0, 300);
const readList = (f) => fs.readFileSync(f, 'utf8').split('\n').filter(Boolean);
const MRN = 'http://hospital.smarthealthit.org';
const ACT_CODE = 'http://terminology.hl7.org/CodeSystem/v3-ActCode';
const PRIVACY_LAW = 'http://terminology.hl7.org/CodeSystem/v3-ActUSPrivacyLaw';
const CONFIDENTIALITY = 'http://terminology.hl7.org/CodeSystem/v3-Confidentiality';
const PARTNER = 'Organization/bench-partner';
const OTHER = 'Organization/bench-other';

// --- prepare ------------------------------------------------------------------------------

const isProvider = (f) => /\/(hospitalInformation|practitionerInformation)[^/]*$/.test(f);

function consent(kind, mrn) {
  const coding = (system, code) => ({ coding: [{ system, code }] });
  const recipient = (org) => ({ role: coding('http://terminology.hl7.org/CodeSystem/v3-ParticipationType', 'PRCP'),
    reference: { reference: org } });
  const c = {
    resourceType: 'Consent',
    status: 'active',
    scope: coding('http://terminology.hl7.org/CodeSystem/consentscope', 'patient-privacy'),
    category: [coding('http://loinc.org', '59284-0')],
    patient: { reference: `Patient?identifier=${MRN}|${mrn}` },
    dateTime: '2025-01-01T00:00:00Z',
  };
  if (kind === 'optout') {
    c.policyRule = coding(ACT_CODE, 'OPTOUT');
  } else if (kind === 'optin-part2') {
    c.policyRule = coding(ACT_CODE, 'OPTIN');
    c.provision = { provision: [{ type: 'permit', actor: [recipient(PARTNER)],
      securityLabel: [{ system: PRIVACY_LAW, code: '42CFRPart2' }] }] };
  } else {
    c.policyRule = coding(ACT_CODE, 'OPTIN');
    c.provision = { provision: [{ type: 'deny', actor: [recipient(OTHER)],
      securityLabel: [{ system: ACT_CODE, code: 'ETH' }] }] };
  }
  return c;
}

function prepare(listFile, outDir, part2Every) {
  const files = readList(listFile);
  const source = files.filter(isProvider);
  const part2 = [];
  const patients = [];
  let entries = 0, part2Entries = 0;
  for (const f of files.filter((x) => !isProvider(x))) {
    const b = JSON.parse(fs.readFileSync(f, 'utf8'));
    const p = (b.entry || []).map((e) => e.resource).find((r) => r && r.resourceType === 'Patient');
    const mrn = p && (p.identifier || []).find((i) => i.system === MRN);
    const i = patients.length;
    const isPart2 = part2Every > 0 && i % part2Every === 1;
    (isPart2 ? part2 : source).push(f);
    entries += (b.entry || []).length;
    if (isPart2) part2Entries += (b.entry || []).length;
    if (!mrn) continue;
    let kind = 'none';
    if (isPart2) kind = part2.length % 2 === 1 ? 'optin-part2' : 'none';
    else if (i % 10 === 0) kind = 'optout';
    else if (i % 10 === 3) kind = 'deny-eth-other';
    else if (i % 10 === 6) kind = 'optin-part2';
    patients.push({ mrn: mrn.value, part2: isPart2, kind });
  }
  const withConsent = patients.filter((p) => p.kind !== 'none');
  const bundle = { resourceType: 'Bundle', type: 'transaction', entry: withConsent.map((p) => ({
    request: { method: 'POST', url: 'Consent' }, resource: consent(p.kind, p.mrn) })) };
  fs.writeFileSync(path.join(outDir, 'source.files'), source.join('\n') + '\n');
  fs.writeFileSync(path.join(outDir, 'part2.files'), part2.join('\n') + '\n');
  fs.writeFileSync(path.join(outDir, 'consents.json'), JSON.stringify(bundle, null, 1));
  fs.writeFileSync(path.join(outDir, 'patients.json'), JSON.stringify(patients, null, 1));
  const kinds = {};
  for (const p of withConsent) kinds[p.kind] = (kinds[p.kind] || 0) + 1;
  out('patients', patients.length);
  out('part2_patients', part2.length);
  out('part2_patient_entries', `${part2Entries} of ${entries} patient-bundle entries`);
  out('consents', withConsent.length);
  out('consent_kinds', Object.entries(kinds).map(([k, n]) => `${k} ${n}`).join(', '));
  out('part2_with_consent', patients.filter((p) => p.part2 && p.kind === 'optin-part2').length);
}

// --- plan -----------------------------------------------------------------------------------

function get(agent, base, urlPath, bearer) {
  return fhirGet(agent, base, urlPath, bearer);
}
// Entries that match: a searchset touching Part 2 records also carries the 42 CFR 2.32 notice,
// an OperationOutcome entry with search.mode "outcome".
const matches = (b) => ((b && b.entry) || []).filter((e) => !e.search || !e.search.mode || e.search.mode === 'match');
const json = (r) => { try { return JSON.parse(r.body.toString('utf8')); } catch { return null; } };
const bearerOf = (f) => `Bearer ${fs.readFileSync(f, 'utf8').split('\n')[0].trim()}`;

// What a resource's labels say: part2 (42CFRPart2), sensitive (an ActCode sensitivity code),
// restricted (Confidentiality R or V), or plain (Confidentiality N and nothing else, or none).
function labelClass(r) {
  const sec = (r.meta && r.meta.security) || [];
  const has = (system, codes) => sec.some((s) => s.system === system && codes.includes(s.code));
  return {
    part2: has(PRIVACY_LAW, ['42CFRPart2']),
    sensitive: sec.some((s) => s.system === ACT_CODE && s.code !== 'NORDSCLCD'),
    restricted: has(CONFIDENTIALITY, ['R', 'V']),
    labeled: sec.some((s) => !(s.system === CONFIDENTIALITY && s.code === 'N')),
  };
}

// Spread n picks over xs (deterministic: the same store gives the same picks).
function spread(xs, n) {
  if (xs.length <= n) return [...xs];
  const step = xs.length / n;
  return Array.from({ length: n }, (_, i) => xs[Math.floor(i * step)]);
}

// [id, path of (patient id, MRN), paged]: paged queries are measured for patients with 1 to 20
// matches, the others for every patient. The first four are search.cjs's (same text).
const QUERIES = [
  ['obs-phq9', (x) => `/Observation?patient=Patient/${x}&code=http://loinc.org%7C44261-6&_sort=-date`, true],
  ['careplan-careteam', (x) => `/CarePlan?patient=Patient/${x}&status=active&_include=CarePlan:care-team`, true],
  ['encounter-date', (x) => `/Encounter?patient=Patient/${x}&date=ge2022-01-01`, true],
  ['patient-mrn', (x, mrn) => `/Patient?identifier=${encodeURIComponent(MRN)}%7C${encodeURIComponent(mrn)}`, true],
  ['patient-condition', (x) => `/Patient/${x}/Condition`, false],
  ['condition-count', (x) => `/Condition?patient=Patient/${x}&_summary=count`, false],
  ['everything', (x) => `/Patient/${x}/$everything`, false],
];
const writeLua = (file, paths) => fs.writeFileSync(file, `paths = {\n${paths.map((p) => `  ${JSON.stringify(p)},`).join('\n')}\n}\n`);

async function plan(base, adminFile, partnerFile, outDir, nids) {
  const admin = bearerOf(adminFile), partner = bearerOf(partnerFile);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const ask = (p, who) => get(agent, base, p, who);

  // (1) The store as a custodian sees it.
  const current = new Map(); // "T/id" -> resource, newest version first in _history
  let url = '/_history?_count=1000', bad = '';
  while (url) {
    const r = await ask(url, admin);
    const b = json(r);
    if (r.status !== 200 || !b) { bad = `_history: ${r.status} ${oneLine(r.body)}`; break; }
    for (const e of b.entry || []) {
      const res = e.resource;
      if (!res) continue; // a deletion
      const key = `${res.resourceType}/${res.id}`;
      if (!current.has(key)) current.set(key, res);
    }
    const next = (b.link || []).find((l) => l.relation === 'next');
    url = next && (b.entry || []).length ? next.url : null;
  }
  const tally = { part2: 0, sensitive: 0, restricted: 0, labeled: 0 };
  const byType = {};
  for (const res of current.values()) {
    const c = labelClass(res);
    for (const k of Object.keys(tally)) if (c[k]) tally[k]++;
    byType[res.resourceType] = (byType[res.resourceType] || 0) + 1;
  }
  out('resources', current.size);
  out('labeled', tally.labeled);
  out('labeled_part2', tally.part2);
  out('labeled_sensitive', tally.sensitive);
  out('labeled_restricted', tally.restricted);

  // (2) What enforcement withholds from bench-partner, type by type.
  let seenAdmin = 0, seenPartner = 0;
  const withheldTypes = [];
  for (const t of Object.keys(byType).sort()) {
    const a = json(await ask(`/${t}?_summary=count`, admin));
    const p = json(await ask(`/${t}?_summary=count`, partner));
    const na = a && typeof a.total === 'number' ? a.total : NaN;
    const np = p && typeof p.total === 'number' ? p.total : NaN;
    if (Number.isNaN(na) || Number.isNaN(np)) { if (!bad) bad = `${t}?_summary=count: no total`; continue; }
    seenAdmin += na; seenPartner += np;
    if (na !== np) withheldTypes.push(`${t} ${na - np}/${na}`);
  }
  out('count_admin', seenAdmin);
  out('count_partner', seenPartner);
  out('withheld', seenAdmin - seenPartner);
  out('withheld_by_type', withheldTypes.join(', ') || 'none');

  // (3) The consents decide what they say.
  const patients = JSON.parse(fs.readFileSync(path.join(outDir, 'patients.json'), 'utf8'));
  const ids = new Map();
  for (const p of patients) {
    const b = json(await ask(`/Patient?identifier=${encodeURIComponent(MRN)}%7C${encodeURIComponent(p.mrn)}`, admin));
    const e = matches(b);
    if (e.length === 1) ids.set(p.mrn, e[0].resource.id);
  }
  out('patient_ids', `${ids.size}/${patients.length}`);
  let checked = 0, ok = 0, firstBad = '';
  const total = async (p, who) => { const b = json(await ask(p, who)); return b && typeof b.total === 'number' ? b.total : -1; };
  for (const p of patients) {
    const id = ids.get(p.mrn);
    if (!id) continue;
    let want;
    if (p.kind === 'optout' || (p.part2 && p.kind !== 'optin-part2')) want = 'none';
    else if (p.part2) want = 'all';
    else continue; // ordinary data under HIPAA TPO, less what the labels keep back: no fixed answer
    const q = `/Condition?patient=Patient/${id}&_summary=count`;
    const na = await total(q, admin), np = await total(q, partner);
    if (na <= 0) continue;
    checked++;
    const pass = want === 'none' ? np === 0 : np === na;
    if (pass) ok++;
    else if (!firstBad) firstBad = `${p.part2 ? 'Part 2 ' : ''}patient with ${p.kind === 'none' ? 'no consent' : p.kind}: ${q} partner total ${np}, admin ${na}, want ${want === 'none' ? 0 : na}`;
  }
  out('consent_checks', `${ok}/${checked}`);
  out('consent_first_bad', firstBad);

  // (4) Reads by id: half labeled, half not, of what bench-partner may read.
  const pool = [...current.values()].filter((r) => r.resourceType !== 'Consent');
  const labeled = pool.filter((r) => labelClass(r).labeled), plain = pool.filter((r) => !labelClass(r).labeled);
  const picked = [];
  let withheldReads = 0, tried = 0;
  for (const [set, n] of [[labeled, Math.ceil(nids / 2)], [plain, nids - Math.ceil(nids / 2)]]) {
    const kept = [];
    for (const r of spread(set, Math.min(set.length, n * 4))) {
      if (kept.length >= n) break;
      const p = `/${r.resourceType}/${r.id}`;
      tried++;
      const s = (await ask(p, partner)).status;
      if (s === 200) kept.push(p); else if (s === 404) withheldReads++;
      else if (!bad) bad = `${p}: ${s}`;
    }
    out(set === labeled ? 'reads_labeled' : 'reads_plain', kept.length);
    picked.push(kept);
  }
  out('reads_withheld_skipped', `${withheldReads} of ${tried} candidates`);
  // Interleaved, so every stretch of the rotation mixes labeled and plain.
  const reads = [];
  for (let i = 0; i < Math.max(picked[0].length, picked[1].length); i++)
    for (const k of picked) if (i < k.length) reads.push(k[i]);
  writeLua(path.join(outDir, 'consent.reads.lua'), reads);

  // (5) The partner's queries, over every patient whose answer (as admin) has 1 to 20 matches
  // (one page), as search.cjs picks them: its queries, and the compartment queries.
  const kept = [];
  for (const [q, pathOf, paged] of QUERIES) {
    const keep = [];
    let fewer = 0, refused = 0, firstRefused = '', bytesP = 0, bytesA = 0, outside = 0;
    for (const pt of patients) {
      const id = ids.get(pt.mrn);
      if (!id) continue;
      const p = pathOf(id, pt.mrn);
      const ra = await ask(p, admin);
      const na = matches(json(ra)).length;
      if (ra.status !== 200 || (paged && (na < 1 || na > 20))) { outside++; continue; }
      const rp = await ask(p, partner);
      if (rp.status !== 200) { refused++; if (!firstRefused) firstRefused = `${p}: ${rp.status} ${oneLine(rp.body)}`; continue; }
      keep.push(p);
      bytesP += rp.body.length; bytesA += ra.body.length;
      const bp = json(rp) || {}, ba = json(ra) || {};
      const n = (b) => (typeof b.total === 'number' ? b.total : (b.entry || []).length);
      if (n(bp) < n(ba) || (bp.entry || []).length < (ba.entry || []).length) fewer++;
    }
    writeLua(path.join(outDir, `consent.${q}.lua`), keep);
    if (keep.length) kept.push(q);
    out(`${q}_paths`, `${keep.length}/${ids.size}`);
    out(`${q}_outside`, outside);
    out(`${q}_withheld_answers`, fewer);
    out(`${q}_example`, keep[0] || '-');
    out(`${q}_bytes`, keep.length ? `${Math.round(bytesP / keep.length)} partner, ${Math.round(bytesA / keep.length)} admin` : '-');
    out(`${q}_refused`, refused ? `${refused}, first: ${firstRefused}` : '0');
  }
  agent.destroy();
  out('query_ids', kept.join(' '));
  out('plan_error', bad);
}

const [mode, ...args] = process.argv.slice(2);
const run = mode === 'prepare' ? Promise.resolve().then(() => prepare(args[0], args[1], Number(args[2])))
  : mode === 'plan' ? plan(args[0], args[1], args[2], args[3], Number(args[4]))
  : null;
if (!run) {
  console.error('usage: node consent.cjs prepare LIST_FILE OUT_DIR PART2_EVERY | plan BASE_URL ADMIN_TOKEN_FILE PARTNER_TOKEN_FILE OUT_DIR NIDS');
  process.exit(2);
}
run.catch((e) => { console.error(`consent.cjs: ${e.stack || e}`); process.exit(1); });
