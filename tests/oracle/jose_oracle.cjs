// Test oracle for gateway/auth (JOSE): Node's own crypto module, so no npm
// package is needed. tests/gateway/auth/jose_oracle_test.cpp writes a
// request file, passes its path, and reads one JSON object from stdout.
//
// Request: {"cases": [{
//   "name": "...", "alg": "RS384" | "ES384", "kid": "...",
//   "private_key_pem": path of a PKCS#8 PEM the C++ side wrote,
//   "public_jwk": the C++ side's JWK of the same key,
//   "payload": {...},                      signed here
//   "tokens": {"label": "compact JWS"}}]}  verified here, with public_jwk
// Reply: {"cases": [{
//   "name": "...",
//   "public_jwk": Node's JWK export of the PEM's public half,
//   "thumbprint": RFC 7638 thumbprint of that JWK,
//   "jwk_matches_pem": whether the C++ JWK is the PEM's public key,
//   "signed": payload as a compact JWS, header {"alg","kid","typ":"JWT"},
//   "verified": {"label": {"valid": true|false, "payload": {...}|null}}}]}
//
// JOSE's ECDSA signatures are r || s ("ieee-p1363" in Node), not DER;
// RS384 is PKCS #1 v1.5 with SHA-384.
'use strict';

const crypto = require('crypto');
const fs = require('fs');

const b64url = (bytes) => Buffer.from(bytes).toString('base64url');

function fromB64url(text) {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) throw new Error('not base64url');
  return Buffer.from(text, 'base64url');
}

function keyOptions(alg, key) {
  return alg === 'ES384' ? { key, dsaEncoding: 'ieee-p1363' } : { key, padding: crypto.constants.RSA_PKCS1_PADDING };
}

function sign(alg, kid, payload, privateKey) {
  const input = b64url(JSON.stringify({ alg, kid, typ: 'JWT' })) + '.' + b64url(JSON.stringify(payload));
  return input + '.' + b64url(crypto.sign('sha384', Buffer.from(input), keyOptions(alg, privateKey)));
}

function verify(alg, token, publicKey) {
  const parts = token.split('.');
  if (parts.length !== 3) return { valid: false, payload: null };
  try {
    const header = JSON.parse(fromB64url(parts[0]).toString('utf8'));
    if (header.alg !== alg) return { valid: false, payload: null };
    const input = Buffer.from(parts[0] + '.' + parts[1]);
    const valid = crypto.verify('sha384', input, keyOptions(alg, publicKey), fromB64url(parts[2]));
    return { valid, payload: valid ? JSON.parse(fromB64url(parts[1]).toString('utf8')) : null };
  } catch (e) {
    return { valid: false, payload: null, error: String(e.message) };
  }
}

// RFC 7638 §3.2: the required members in lexicographic order, no spaces.
function thumbprint(jwk) {
  const required = jwk.kty === 'RSA' ? { e: jwk.e, kty: jwk.kty, n: jwk.n }
                                     : { crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y };
  return b64url(crypto.createHash('sha256').update(JSON.stringify(required)).digest());
}

const spki = (key) => key.export({ type: 'spki', format: 'der' });

const request = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const reply = { cases: [] };
for (const c of request.cases) {
  const privateKey = crypto.createPrivateKey(fs.readFileSync(c.private_key_pem));
  const fromPem = crypto.createPublicKey(privateKey);
  const fromJwk = crypto.createPublicKey({ key: c.public_jwk, format: 'jwk' });
  const jwk = fromPem.export({ format: 'jwk' });
  const verified = {};
  for (const [label, token] of Object.entries(c.tokens)) verified[label] = verify(c.alg, token, fromJwk);
  reply.cases.push({
    name: c.name,
    public_jwk: jwk,
    thumbprint: thumbprint(jwk),
    jwk_matches_pem: spki(fromJwk).equals(spki(fromPem)),
    signed: sign(c.alg, c.kid, c.payload, privateKey),
    verified,
  });
}
process.stdout.write(JSON.stringify(reply) + '\n');
