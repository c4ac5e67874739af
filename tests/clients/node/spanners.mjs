#!/usr/bin/env node
// Boundary spanners, learned through gRPC server reflection alone: the supporting organization (the welfare
// organization) lists its spanners at risk (the demo's Rosa Martina reported a burden of 9); Naima's coordinator asks
// which spanners match her debt need (ranked, with the reasons) and assigns the best one of that organization she has
// none with yet; the organization records the spanner's agreement and the coordinator hers, so the assignment starts;
// the organization's at-risk list then counts the new assignment.
//
// Usage: node spanners.mjs <coordinator token> <supporter token> [address]
//   coordinator token  development token of abdelkader.ziani@wijkteam-moerwijk.example (Naima's coordinator)
//   supporter token    development token of rachid.moussaoui@welzijn-zuidwest.example (the welfare organization that
//                      supports the demo's debt spanners)
//   address            host:port of the server, default localhost:5080
//
// Exit codes: 0 ok, 1 usage or unexpected error, 2 health not SERVING, 3 a service not offered, 4 a call failed.

import { randomUUID } from 'node:crypto';
import { ExitError, GrpcReflection, bearer, call, checkHealth, grpc, reflectedClient, run } from './reflection.mjs';

const NAIMA_BSN = '111222333';

async function main() {
  const args = process.argv.slice(2);
  if (args.length < 2 || args.length > 3) throw new ExitError(1, 'usage: node spanners.mjs <coordinator token> <supporter token> [address]');
  const [coordinatorToken, supporterToken, address = 'localhost:5080'] = args;
  const credentials = grpc.credentials.createInsecure();
  await checkHealth(address, credentials);
  const reflection = new GrpcReflection(address, credentials, {}, 'v1');
  const client = (name) => reflectedClient(reflection, `referralnet.v1.${name}`, address, credentials);
  const [users, cases, spanners] = await Promise.all(['ServiceUsersService', 'CasesService', 'SpannersService'].map(client));
  const coordinator = bearer(coordinatorToken);
  const supporter = bearer(supporterToken);
  const listAtRisk = async () => {
    const { spanners: atRisk } = await call(spanners, 'ListSpannersAtRisk', {}, supporter);
    for (const { spanner, risks } of atRisk) {
      console.log(`  ${spanner.display_name} (burden ${spanner.latest_burden_score}, ${spanner.active_assignments}/${spanner.max_service_users} places): ${risks.join(', ')}`);
    }
    return atRisk;
  };
  try {
    console.log('at risk, as the supporting organization sees them:');
    const before = await listAtRisk();
    if (!before.some(({ risks }) => risks.includes('SPANNER_RISK_HIGH_BURDEN'))) throw new ExitError(4, 'the supporting organization sees no spanner at high burden');
    // Its own spanners are the ones it may record agreements for.
    const supporterOrganization = before[0].spanner.organization_id;

    const { service_user: naima } = await call(users, 'FindServiceUserByBsn', { bsn: NAIMA_BSN }, coordinator);
    const { needs } = await call(cases, 'ListNeeds', { service_user_id: naima.id, life_domains: ['LIFE_DOMAIN_DEBT'] }, coordinator);
    const need = needs.find((n) => !['NEED_STATUS_MET', 'NEED_STATUS_UNMET'].includes(n.status));
    if (!need) throw new ExitError(4, `${naima.given_name} has no open debt need`);
    console.log(`service user: ${naima.given_name} ${naima.family_name} (${naima.neighbourhood}, speaks ${naima.languages.join(', ')}); need: ${need.life_domain} (${need.status})`);

    const { matches } = await call(spanners, 'MatchSpanners', { service_user_id: naima.id, need_id: need.id, page_size: 5 }, coordinator);
    if (matches.length === 0) throw new ExitError(4, 'no spanner matches the need');
    for (const m of matches) {
      console.log(`  #${m.rank} ${m.spanner.display_name} (${m.spanner.kind}; shares ${m.shared_languages.join(', ') || 'no language'}; ${m.free_places} free): ${m.ranking_reason}`);
    }

    // The best match she has no current assignment with (a rerun against the same server picks the next one).
    const { assignments } = await call(spanners, 'ListSpannerAssignments', { service_user_id: naima.id }, coordinator);
    const taken = new Set(assignments.map((a) => a.spanner_id));
    const best = matches.find((m) => !taken.has(m.spanner.id) && m.spanner.organization_id === supporterOrganization);
    if (!best) throw new ExitError(4, `${naima.given_name} already has every matching spanner of the supporting organization`);
    const constant = assignments.find((a) => a.constant_contact && a.active);
    console.log(`constant contact: ${constant ? constant.spanner_id : 'none'}; ${assignments.length} assignments so far`);

    let { assignment } = await call(spanners, 'AssignSpanner', {
      assignment: { spanner_id: best.spanner.id, service_user_id: naima.id, need_id: need.id, constant_contact: false, note: 'Help sorting the letters from the energy supplier; she prefers Arabic.' },
      request_id: randomUUID(),
    }, coordinator);
    console.log(`assigned ${best.spanner.display_name}: ${assignment.status}`);
    ({ assignment } = await call(spanners, 'ConfirmSpannerAssignment', { id: assignment.id, etag: assignment.etag, party: 'ASSIGNMENT_PARTY_SPANNER', request_id: randomUUID() }, supporter));
    console.log(`the spanner agreed (recorded by the supporting organization): ${assignment.status}`);
    ({ assignment } = await call(spanners, 'ConfirmSpannerAssignment', { id: assignment.id, etag: assignment.etag, party: 'ASSIGNMENT_PARTY_SERVICE_USER', request_id: randomUUID() }, coordinator));
    console.log(`${naima.given_name} agreed (recorded by her coordinator): ${assignment.status}, active ${assignment.active}, since ${assignment.start_time ? new Date(Number(assignment.start_time.seconds) * 1000).toISOString() : '-'}`);
    if (!assignment.active) throw new ExitError(4, 'the assignment did not start after both agreements');

    console.log('at risk afterwards:');
    const after = await listAtRisk();
    const mine = after.find(({ spanner }) => spanner.id === best.spanner.id)?.spanner;
    if (mine && mine.active_assignments < 1) throw new ExitError(4, `${mine.display_name} counts no active assignment`);
  } finally {
    for (const c of [users, cases, spanners]) c.close();
  }
}

run(main);
