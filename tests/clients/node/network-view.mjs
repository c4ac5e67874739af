#!/usr/bin/env node
// The GP's consult: find a patient by BSN, then open the network view of their support network, as far as the
// practice's consent reaches. Like search.mjs it learns the API through gRPC server reflection alone.
//
// Usage: node network-view.mjs <token> [bsn] [address]
//   token    development bearer token of a GP (e.g. karim.haddou@hap-moerwijkzuid.example)
//   bsn      the patient's BSN, default the demo's Naima Bakkali (111222333, fictional)
//   address  host:port of the server, default localhost:5080
//
// Exit codes: 0 ok, 1 usage or unexpected error, 2 health not SERVING, 3 a service not offered, 4 a call failed.

import { ExitError, GrpcReflection, bearer, checkHealth, grpc, reflectedClient, run, statusName, unary } from './reflection.mjs';

const SERVICE_USERS = 'referralnet.v1.ServiceUsersService';
const NETWORK_VIEW = 'referralnet.v1.NetworkViewService';

async function call(client, method, request, metadata) {
  try {
    return await unary(client, method, request, metadata);
  } catch (err) {
    throw new ExitError(4, `${method} failed: ${statusName(err.code)}: ${err.details ?? err.message}`);
  } finally {
    client.close();
  }
}

async function main() {
  const args = process.argv.slice(2);
  if (args.length < 1 || args.length > 3 || args[0] === '-h' || args[0] === '--help') {
    throw new ExitError(1, 'usage: node network-view.mjs <token> [bsn] [address]');
  }
  const [token, bsn = '111222333', address = 'localhost:5080'] = args;
  const credentials = grpc.credentials.createInsecure();
  await checkHealth(address, credentials);
  const reflection = new GrpcReflection(address, credentials, {}, 'v1');
  const metadata = bearer(token);

  const found = await call(await reflectedClient(reflection, SERVICE_USERS, address, credentials), 'FindServiceUserByBsn', { bsn }, metadata);
  const person = found.service_user;
  console.log(`service user: ${person.given_name} ${person.family_name}, ${person.neighbourhood}, speaks ${person.languages.join(', ')}`);

  const { view } = await call(await reflectedClient(reflection, NETWORK_VIEW, address, credentials), 'GetNetworkView', { service_user_id: person.id }, metadata);
  console.log(`basis: ${view.basis}; visible domains: ${view.visible_life_domains.join(', ')}`);
  if (view.coordinator) console.log(`coordinator: ${view.coordinator.member_display_name || view.coordinator.involvement.member_id} (${view.coordinator.organization_name})`);
  console.log('care team:');
  for (const entry of view.care_team) {
    console.log(`  ${entry.involvement.role} | ${entry.organization_name || entry.involvement.organization_id} | ${entry.member_display_name || entry.spanner_display_name}`);
  }
  console.log('open needs:');
  for (const open of view.open_needs) console.log(`  ${open.need.life_domain} (${open.need.severity}): ${open.need.description}`);
  for (const withheld of view.withheld) {
    console.log(`withheld: ${withheld.life_domain}: ${withheld.needs} needs, ${withheld.involvements} involvements, ${withheld.events} events (ask the coordinator)`);
  }
  if (view.open_needs.length === 0) throw new ExitError(4, 'the view shows no open need');
}

run(main);
