#!/usr/bin/env node
// The main flows over ReferralNet's REST/JSON surface with Node's own fetch (no package): the directory search, the
// GP's network view, the inbox stream as newline-delimited JSON (until CAUGHT_UP), and how a refusal looks
// (google.rpc.Status JSON). The paths come from the OpenAPI document the server serves at /openapi/v1.json.
//
// Usage: node rest.mjs <gp token> <receiver token> [base url]
//   gp token        development token of karim.haddou@hap-moerwijkzuid.example (Naima's GP)
//   receiver token  development token of daan.hoogland@burenvoorburen-regentesse.example (its inbox is streamed)
//   base url        default http://localhost:5080
//
// Exit codes: 0 ok, 1 usage or unexpected error, 3 the OpenAPI document lacks a path, 4 a call failed.

import { ExitError, run } from './reflection.mjs';

// Each call, and the stream until CAUGHT_UP, must finish within this (generous: CI machines are small and shared).
const DEADLINE_MS = 30_000;

async function call(base, method, path, token, body) {
  const response = await fetch(base + path, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
    signal: AbortSignal.timeout(DEADLINE_MS),
  });
  const json = await response.json();
  if (!response.ok) {
    const reasons = (json.details ?? []).map((d) => d.reason ?? d['@type']).join(', ');
    throw new ExitError(4, `${method} ${path}: HTTP ${response.status}, code ${json.code}: ${json.message} [${reasons}]`);
  }
  return json;
}

// Reads newline-delimited JSON messages of a server stream until one satisfies done.
async function readStreamUntil(response, done) {
  const decoder = new TextDecoder();
  let pending = '';
  for await (const chunk of response.body) {
    pending += decoder.decode(chunk, { stream: true });
    let newline;
    while ((newline = pending.indexOf('\n')) >= 0) {
      const line = pending.slice(0, newline).trim();
      pending = pending.slice(newline + 1);
      if (line && done(JSON.parse(line))) return;
    }
  }
  throw new ExitError(4, 'the stream ended early');
}

async function main() {
  const args = process.argv.slice(2);
  if (args.length < 2 || args.length > 3) throw new ExitError(1, 'usage: node rest.mjs <gp token> <receiver token> [base url]');
  const [gp, receiver, base = 'http://localhost:5080'] = args;

  const document = await call(base, 'GET', '/openapi/v1.json');
  for (const path of ['/v1/services:search', '/v1/serviceUsers:findByBsn', '/v1/serviceUsers/{serviceUserId}/networkView', '/v1/referrals:watchIncoming']) {
    if (!document.paths[path]) throw new ExitError(3, `the OpenAPI document has no ${path}`);
  }
  console.log(`openapi: ${document.info.title} ${document.info.version}, ${Object.keys(document.paths).length} paths`);

  const { matches } = await call(base, 'POST', '/v1/services:search', gp, { lifeDomains: ['LIFE_DOMAIN_SOCIAL'], neighbourhood: 'moerwijk', language: 'ar' });
  console.log(`search: ${matches.length} matches`);
  for (const m of matches) console.log(`  ${m.rank}. ${m.service.name} | ${m.organizationName} | ${m.rankingReason}`);
  if (matches.length === 0) throw new ExitError(4, 'the search returned no match');

  const { serviceUser } = await call(base, 'POST', '/v1/serviceUsers:findByBsn', gp, { bsn: '111222333' });
  const { view } = await call(base, 'GET', `/v1/serviceUsers/${serviceUser.id}/networkView`, gp);
  console.log(`network view of ${serviceUser.givenName} ${serviceUser.familyName}: ${view.careTeam.length} in the care team, ` +
    `${view.openNeeds.length} open needs, withheld ${view.withheld.map((w) => w.lifeDomain).join(', ') || 'nothing'}`);
  if (view.openNeeds.length === 0) throw new ExitError(4, 'the view shows no open need');

  // The receiver's inbox: the undecided referrals one JSON message a line, then CAUGHT_UP.
  const stream = await fetch(`${base}/v1/referrals:watchIncoming`, {
    method: 'POST',
    headers: { authorization: `Bearer ${receiver}`, 'content-type': 'application/json' },
    body: '{}',
    signal: AbortSignal.timeout(DEADLINE_MS),
  });
  if (!stream.ok) throw new ExitError(4, `watchIncoming: HTTP ${stream.status}: ${await stream.text()}`);
  let undecided = 0;
  await readStreamUntil(stream, (message) => {
    if (message.kind === 'INBOX_MESSAGE_KIND_REFERRAL') undecided++;
    return message.kind === 'INBOX_MESSAGE_KIND_CAUGHT_UP';
  });
  await stream.body.cancel();
  console.log(`inbox: ${undecided} undecided referrals, then CAUGHT_UP`);

  // A refusal: no token is UNAUTHENTICATED (HTTP 401) with the reason in google.rpc.ErrorInfo.
  const refused = await fetch(`${base}/v1/services:search`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
  const status = await refused.json();
  console.log(`without a token: HTTP ${refused.status}, code ${status.code}, reason ${status.details?.[0]?.reason}`);
  if (refused.status !== 401 || status.details?.[0]?.reason !== 'NO_TOKEN') throw new ExitError(4, 'expected 401 NO_TOKEN');
}

run(main);
