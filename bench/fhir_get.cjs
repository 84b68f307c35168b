'use strict';
// One GET for the bench scripts (search.cjs, consent.cjs): the whole body as
// a Buffer, status 0 and the reason on a socket error or after 60 s.
const http = require('http');

// bearer: "Bearer <token>", or '' for no Authorization header.
function fhirGet(agent, baseUrl, urlPath, bearer) {
  return new Promise((resolve) => {
    const u = new URL(urlPath, baseUrl);
    const headers = { Accept: 'application/fhir+json' };
    if (bearer) headers.Authorization = bearer;
    const req = http.request({ agent, host: u.hostname, port: u.port, path: u.pathname + u.search, headers }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(chunks) }));
    });
    req.setTimeout(60000, () => req.destroy(new Error('no answer within 60 s')));
    req.on('error', (e) => resolve({ status: 0, body: Buffer.from(`socket error: ${e.message}`) }));
    req.end();
  });
}

module.exports = { fhirGet };
