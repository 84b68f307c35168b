#!/usr/bin/env python3
"""Writes the fuzzers' seed corpora, derived from data already in the repo:
the R4 examples (tests/fixtures/r4-examples), the Synthea demo patients
(deploy/demo/synthea) and the R4 search parameters (fhir/r4). Nothing large
is committed; ./deploy/fuzz regenerates these on every run.

Usage: fuzz/seeds.py SOURCE_DIR OUT_DIR   (writes OUT_DIR/<target>/...)
"""
import base64
import hashlib
import json
import os
import sys

# Larger examples only slow every execution down; the fuzzer grows inputs
# itself.
MAX_SEED = 16 * 1024


def compact(value):
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()


class Out:
    def __init__(self, root):
        self.root = root
        self.counts = {}

    def add(self, target, data):
        if isinstance(data, str):
            data = data.encode()
        if len(data) > MAX_SEED:
            return
        d = os.path.join(self.root, target)
        os.makedirs(d, exist_ok=True)
        name = hashlib.sha1(data).hexdigest()
        with open(os.path.join(d, name), "wb") as f:
            f.write(data)
        self.counts[target] = self.counts.get(target, 0) + 1


def load_examples(src):
    folder = os.path.join(src, "tests/fixtures/r4-examples")
    out = []
    for name in sorted(os.listdir(folder)):
        if name.endswith(".json"):
            with open(os.path.join(folder, name), "rb") as f:
                out.append(f.read())
    return out


def load_synthea(src):
    folder = os.path.join(src, "deploy/demo/synthea")
    out = []
    for name in sorted(os.listdir(folder)):
        if name.endswith(".json"):
            with open(os.path.join(folder, name), "rb") as f:
                out.append(json.load(f))
    return out


def synthea_resources(bundles, per_type=3):
    seen = {}
    for b in bundles:
        for e in b.get("entry", []):
            r = e.get("resource", {})
            t = r.get("resourceType")
            if seen.get(t, 0) < per_type:
                seen[t] = seen.get(t, 0) + 1
                yield r


def bundle_seeds(out, bundles):
    """Small transactions and batches cut from the Synthea bundles, with
    every entry method the planner knows."""
    for b in bundles:
        entries = b.get("entry", [])
        for start in range(0, min(len(entries), 12), 3):
            part = entries[start:start + 3]
            for kind in ("transaction", "batch"):
                out.add("bundle_plan", compact({"resourceType": "Bundle", "type": kind, "entry": part}))
        if not entries:
            continue
        first = entries[0]
        r = dict(first["resource"])
        rid = r.get("id", "example")
        r["id"] = rid
        t = r["resourceType"]
        patch = base64.b64encode(compact([{"op": "replace", "path": "/active", "value": False}])).decode()
        mixed = [
            {"fullUrl": first.get("fullUrl", ""), "resource": r, "request": {"method": "PUT", "url": f"{t}/{rid}"}},
            {"request": {"method": "GET", "url": f"{t}/{rid}/_history/1"}},
            {"request": {"method": "GET", "url": f"{t}?identifier=http://x|1"}},
            {"request": {"method": "DELETE", "url": f"{t}?identifier=http://x|1"}},
            {"request": {"method": "DELETE", "url": f"{t}/{rid}", "ifMatch": 'W/"1"'}},
            {"resource": {"resourceType": "Binary", "contentType": "application/json-patch+json", "data": patch},
             "request": {"method": "PATCH", "url": f"{t}/{rid}"}},
            {"resource": r, "request": {"method": "POST", "url": t, "ifNoneExist": "identifier=http://x|1"}},
        ]
        for kind in ("transaction", "batch"):
            out.add("bundle_plan", compact({"resourceType": "Bundle", "type": kind, "entry": mixed}))


def patch_seeds(out, examples):
    """document NUL patch, with operations on members the document has."""
    for text in examples[:60]:
        if len(text) > 4096:
            continue
        doc = json.loads(text)
        keys = [k for k in doc if k != "resourceType"]
        if not keys:
            continue
        k = keys[0]
        last = keys[-1]
        patches = [
            [{"op": "test", "path": "/resourceType", "value": doc["resourceType"]},
             {"op": "replace", "path": f"/{k}", "value": doc[k]}],
            [{"op": "remove", "path": f"/{last}"}, {"op": "add", "path": "/extension", "value": []},
             {"op": "add", "path": "/extension/-", "value": {"url": "http://x", "valueString": "y"}}],
            [{"op": "copy", "from": f"/{k}", "path": "/copied"}, {"op": "move", "from": "/copied", "path": "/moved"}],
            [{"op": "test", "path": f"/{last}", "value": None}],
        ]
        for p in patches:
            out.add("json_patch", compact(doc) + b"\0" + compact(p))


# Example values by search parameter type (R4 search.html).
VALUES = {
    "token": ["http://loinc.org|8867-4", "|abc", "sys|", "abc,def"],
    "string": ["Smith", "Sm%C3%ADth"],
    "date": ["ge2020-01-01", "2021", "lt2020-03-04T10:00:00Z"],
    "reference": ["Patient/123", "123", "http://example.org/fhir/Patient/1/_history/2"],
    "quantity": ["5.4|http://unitsofmeasure.org|mg", "gt5.4||mg", "5e2"],
    "number": ["gt10", "100.00"],
    "uri": ["http://example.org/fhir/ValueSet/x"],
    "composite": ["http://loinc.org|8867-4$gt10", "a$b"],
    "special": ["x"],
}


def query_seeds(out, params_bundle):
    by_type = {}
    for e in params_bundle.get("entry", []):
        p = e.get("resource", {})
        for base in p.get("base", []):
            by_type.setdefault(base, []).append(p)
    for t in sorted(by_type)[:40]:
        for p in by_type[t][:8]:
            for v in VALUES.get(p.get("type"), ["x"])[:2]:
                out.add("query", f"{t}?{p['code']}={v}")
            if p.get("type") == "reference":
                out.add("query", f"{t}?{p['code']}:Patient.name=Smith&_include={t}:{p['code']}")
                out.add("query", f"{t}?{p['code']}:missing=true&_count=10&_sort=-_lastUpdated")


def fhirpath_seeds(out, params_bundle):
    seen = set()
    for e in params_bundle.get("entry", []):
        x = e.get("resource", {}).get("expression")
        if x and x not in seen:
            seen.add(x)
            out.add("fhirpath", x)


def http_seeds(out, examples):
    for text in examples[:20]:
        if len(text) > 4096:
            continue
        doc = json.loads(text)
        t = doc["resourceType"]
        rid = doc.get("id", "1")
        for method, target in (("POST", f"/{t}"), ("PUT", f"/{t}/{rid}"), ("PUT", f"/fhir/{t}?identifier=a|b")):
            head = (f"{method} {target} HTTP/1.1\r\nHost: localhost\r\n"
                    f"Content-Type: application/fhir+json; charset=utf-8\r\nContent-Length: {len(text)}\r\n\r\n")
            out.add("http_request", head.encode() + text)
        out.add("http_request", f"GET /{t}/{rid}/_history/1?_format=json HTTP/1.1\r\nHost: x\r\n"
                                f"Accept: application/fhir+json\r\n\r\n")


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    src, dest = sys.argv[1], sys.argv[2]
    out = Out(dest)
    examples = load_examples(src)
    synthea = load_synthea(src)
    with open(os.path.join(src, "fhir/r4/search-parameters.json"), "rb") as f:
        params = json.load(f)

    for text in examples:
        out.add("json_parse", text)
        out.add("resource_validate", text)
    for r in synthea_resources(synthea):
        out.add("resource_validate", compact(r))
    for text in examples:
        if json.loads(text).get("resourceType") == "Bundle":
            out.add("bundle_plan", text)
    bundle_seeds(out, synthea)
    patch_seeds(out, examples)
    query_seeds(out, params)
    fhirpath_seeds(out, params)
    http_seeds(out, examples)
    print(" ".join(f"{t}:{n}" for t, n in sorted(out.counts.items())))


if __name__ == "__main__":
    main()
