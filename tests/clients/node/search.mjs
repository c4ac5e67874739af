#!/usr/bin/env node
// ReferralNet Node.js client that learns the API through gRPC server reflection alone.
// It never reads the .proto files in /protos: the OrganizationsService descriptors come
// from the server at run time.
//
// Usage: node search.mjs <token> [address]
//   token    development bearer token ("" sends no authorization header)
//   address  host:port of the server, default localhost:5080
//
// Exit codes: 0 ok, 1 usage or unexpected error, 2 health not SERVING,
// 3 OrganizationsService not offered, 4 SearchServices failed, 5 no matches.

import { ExitError, GrpcReflection, bearer, checkHealth, deadline, grpc, reflectedClient, run, statusName, unary } from './reflection.mjs';

const SERVICE = 'referralnet.v1.OrganizationsService';

async function listServices(reflection) {
  const services = await reflection.listServices('*', new grpc.Metadata(), deadline());
  console.log('services (via reflection):');
  for (const name of [...services].sort()) console.log(`  ${name}`);
  if (!services.includes(SERVICE)) throw new ExitError(3, `${SERVICE} is not offered by the server`);
}

async function search(reflection, address, credentials, token) {
  // Descriptors of the service and all the files it depends on, fetched from the server.
  const client = await reflectedClient(reflection, SERVICE, address, credentials);
  const metadata = bearer(token);
  const request = { life_domains: ['LIFE_DOMAIN_DEBT'], neighbourhood: 'moerwijk', language: 'ar' };
  console.log(`SearchServices ${JSON.stringify(request)}${token ? '' : ' (without a token)'}`);

  let response;
  try {
    response = await unary(client, 'SearchServices', request, metadata);
  } catch (err) {
    if (err.code === grpc.status.UNAUTHENTICATED) {
      throw new ExitError(4, `SearchServices was refused: UNAUTHENTICATED (${err.details || 'no details'}). ` +
        'Pass a valid development token as the first argument.');
    }
    throw new ExitError(4, `SearchServices failed: ${statusName(err.code)}: ${err.details ?? err.message}`);
  } finally {
    client.close();
  }

  const matches = response.matches ?? [];
  console.log(`matches: ${matches.length}`);
  for (const m of matches) {
    console.log(`  ${m.rank}. ${m.service?.name ?? '?'} | ${m.organization_name} | ${m.ranking_reason}`);
  }
  if (matches.length === 0) throw new ExitError(5, 'the search returned no match');
}

async function main() {
  const args = process.argv.slice(2);
  if (args.length < 1 || args.length > 2 || args[0] === '-h' || args[0] === '--help') {
    throw new ExitError(1, 'usage: node search.mjs <token> [address]   (address defaults to localhost:5080)');
  }
  const [token, address = 'localhost:5080'] = args;
  console.log(`server: ${address}`);

  // The server speaks cleartext HTTP/2 (h2c), so the channel is insecure.
  const credentials = grpc.credentials.createInsecure();

  await checkHealth(address, credentials);

  const reflection = new GrpcReflection(address, credentials, {}, 'v1');
  await listServices(reflection);
  await search(reflection, address, credentials, token);
}

run(main);
