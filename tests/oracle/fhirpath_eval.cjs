// Test oracle: evaluates FHIRPath expressions with HL7's own engine
// (fhirpath.js, pinned in package.json) so tests/fhir/search can compare
// our evaluator's results with it.
//
// stdin, one JSON object per line:
//   {"resource": {...}}            sets the resource the next lines use
//   {"id": 7, "expression": "..."} evaluates against it
// stdout, one line per expression: {"id": 7, "result": [...]} or
// {"id": 7, "error": "..."}; "adjusted" lists the adjustments below that
// the expression needed ("DateTime", "ofType", "union").
//
// Four deliberate adjustments, mirrored in the C++ test's documentation:
// - resolve(): fhirpath.js fetches over HTTP (async). Search never fetches:
//   it asks only which type a reference points at. We supply a resolve()
//   that does the same without I/O: "#id" -> the contained resource, "#" ->
//   the resource itself, "[base/]Type/id[/_history/v]" or "Type?query" ->
//   a resource of that Type, else Reference.type when present.
// - value.as(DateTime) (R4 Observation-code-value-date) means FHIR
//   dateTime; R5 fixed the text. fhirpath.js reads it as System.DateTime,
//   which no FHIR node is, and returns nothing, so we hand it the fixed
//   spelling.
// - `x as T` on a collection: FHIRPath defines the operator for one item
//   and fhirpath.js raises "Expected singleton on left side of 'as'". R4's
//   search expressions use it on collections (useContext.value as
//   CodeableConcept) meaning a filter, which is how R5 rewrote them
//   (ofType) and how servers read them. Only when fhirpath.js raises that
//   error do we evaluate again with `as T` spelt `.ofType(T)`.
// - `|` over a Quantity with a comparator: fhirpath.js compares union
//   members as FHIRPath quantities and raises "Cannot convert a FHIR.Quantity
//   that has a comparator". Only then do we evaluate each top-level branch
//   and remove duplicates by their JSON (keys sorted); a Quantity with a
//   comparator equals no other, so that is the union's meaning.
'use strict';

const readline = require('readline');
const fhirpath = require('fhirpath');
const { ResourceNode } = require('fhirpath/src/types');
const r4 = require('fhirpath/fhir-context/r4');

let current = null;

const ID = '[A-Za-z0-9\\-\\.]{1,64}';
const TYPE = '[A-Z][A-Za-z]*';
const REF_RE = new RegExp(`(?:^|/)(${TYPE})/(${ID})(?:/_history/${ID})?$`);
const CONDITIONAL_RE = new RegExp(`(?:^|/)(${TYPE})\\?`);

function targetOf(data) {
  const ref = typeof data === 'string' ? data : data && data.reference;
  if (typeof ref !== 'string' || ref === '') return null;
  if (ref.startsWith('#')) {
    const id = ref.substring(1);
    if (id === '') return current;
    return (current.contained || []).find((r) => r && r.id === id) || null;
  }
  const path = ref.split('#')[0];
  let m = CONDITIONAL_RE.exec(ref);
  if (!m) m = REF_RE.exec(path);
  if (m) return { resourceType: m[1] };
  if (data && typeof data === 'object' && typeof data.type === 'string' && data.type !== '')
    return { resourceType: data.type };
  return null;
}

const userInvocationTable = {
  resolve: {
    internalStructures: true,
    arity: { 0: [] },
    fn: function (inputs) {
      const ctx = this;
      const out = [];
      for (const item of inputs) {
        const target = targetOf(fhirpath.util.valData(item));
        if (target) out.push(ResourceNode.makeResNode(ctx, target, null, null));
      }
      return out;
    },
  },
};

const compiled = new Map();
function compile(expression) {
  let fn = compiled.get(expression);
  if (!fn) {
    fn = fhirpath.compile(expression, r4, { userInvocationTable });
    compiled.set(expression, fn);
  }
  return fn;
}

const AS_SINGLETON = "Expected singleton on left side of 'as'";
const COMPARATOR = 'Cannot convert a FHIR.Quantity that has a comparator';

// Top-level `|` branches of an expression (outside parentheses and quotes).
function unionBranches(expression) {
  const out = [];
  let depth = 0, quote = null, start = 0;
  for (let i = 0; i < expression.length; ++i) {
    const c = expression[i];
    if (quote) {
      if (c === '\\') ++i;
      else if (c === quote) quote = null;
    } else if (c === "'" || c === '`') quote = c;
    else if (c === '(' || c === '[' || c === '{') ++depth;
    else if (c === ')' || c === ']' || c === '}') --depth;
    else if (c === '|' && depth === 0) {
      out.push(expression.substring(start, i));
      start = i + 1;
    }
  }
  out.push(expression.substring(start));
  return out;
}

function sortedJson(v) {
  if (Array.isArray(v)) return '[' + v.map(sortedJson).join(',') + ']';
  if (v && typeof v === 'object')
    return '{' + Object.keys(v).sort().map((k) => JSON.stringify(k) + ':' + sortedJson(v[k])).join(',') + '}';
  return JSON.stringify(v);
}

function dedupeByJson(values) {
  const seen = new Set();
  return values.filter((v) => {
    const key = sortedJson(v);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function evaluate(expression, adjusted) {
  try {
    return compile(expression)(current, { resource: current });
  } catch (e) {
    const message = String(e && e.message);
    if (message.includes(AS_SINGLETON)) {
      // `as` binds tighter than `|` and looser than `.`, so its left
      // operand here is always a whole path: appending .ofType(T) keeps
      // the meaning.
      const rewritten = expression.replace(/\s+as\s+([A-Za-z][A-Za-z0-9.]*)/g, '.ofType($1)');
      if (rewritten !== expression) {
        adjusted.add('ofType');
        return evaluate(rewritten, adjusted);
      }
    }
    if (message.includes(COMPARATOR)) {
      const branches = unionBranches(expression);
      if (branches.length > 1) {
        adjusted.add('union');
        return dedupeByJson(branches.flatMap((b) => evaluate(b, adjusted)));
      }
    }
    throw e;
  }
}

const rl = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
const out = [];
rl.on('line', (line) => {
  if (line === '') return;
  const msg = JSON.parse(line);
  if (msg.resource !== undefined) {
    current = msg.resource;
    return;
  }
  try {
    const adjusted = new Set();
    const fixed = msg.expression.replace(/\.as\(DateTime\)/g, '.as(dateTime)');
    if (fixed !== msg.expression) adjusted.add('DateTime');
    const result = evaluate(fixed, adjusted);
    out.push(JSON.stringify(adjusted.size ? { id: msg.id, result, adjusted: [...adjusted] } : { id: msg.id, result }));
  } catch (e) {
    out.push(JSON.stringify({ id: msg.id, error: String(e && e.message ? e.message : e) }));
  }
  if (out.length >= 1000) process.stdout.write(out.splice(0).join('\n') + '\n');
});
rl.on('close', () => {
  if (out.length) process.stdout.write(out.join('\n') + '\n');
});
