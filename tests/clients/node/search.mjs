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

import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { GrpcReflection } from 'grpc-js-reflection-client';

const SERVICE = 'referralnet.v1.OrganizationsService';
const DEADLINE_MS = 10_000;

// The standard gRPC health protocol (grpc/health/v1/health.proto), which is the same on every
// server. It is declared inline so that the health check does not depend on reflection working.
const HEALTH_JSON = {
  nested: {
    grpc: { nested: { health: { nested: { v1: { nested: {
      HealthCheckRequest: { fields: { service: { type: 'string', id: 1 } } },
      HealthCheckResponse: {
        fields: { status: { type: 'ServingStatus', id: 1 } },
        nested: {
          ServingStatus: { values: { UNKNOWN: 0, SERVING: 1, NOT_SERVING: 2, SERVICE_UNKNOWN: 3 } },
        },
      },
      Health: {
        methods: { Check: { requestType: 'HealthCheckRequest', responseType: 'HealthCheckResponse' } },
      },
    } } } } } },
  },
};

const LOADER_OPTIONS = { keepCase: true, enums: String, longs: String, defaults: true, oneofs: true };

class ExitError extends Error {
  constructor(code, message) {
    super(message);
    this.code = code;
  }
}

const deadline = () => ({ deadline: Date.now() + DEADLINE_MS });
const statusName = (code) => Object.keys(grpc.status).find((k) => grpc.status[k] === code) ?? String(code);

// Walks "a.b.C" down a grpc-js package object.
function lookup(packageObject, fullName) {
  return fullName.split('.').reduce((node, part) => (node ? node[part] : undefined), packageObject);
}

function unary(client, method, request, metadata = new grpc.Metadata()) {
  return new Promise((resolve, reject) => {
    client[method](request, metadata, deadline(), (err, response) => (err ? reject(err) : resolve(response)));
  });
}

async function checkHealth(address, credentials) {
  const healthPkg = grpc.loadPackageDefinition(protoLoader.fromJSON(HEALTH_JSON, LOADER_OPTIONS));
  const client = new healthPkg.grpc.health.v1.Health(address, credentials);
  try {
    const response = await unary(client, 'Check', { service: '' });
    console.log(`health: ${response.status}`);
    if (response.status !== 'SERVING') throw new ExitError(2, `server is not SERVING (${response.status})`);
  } catch (err) {
    if (err instanceof ExitError) throw err;
    throw new ExitError(2, `health check failed: ${statusName(err.code)}: ${err.details ?? err.message}`);
  } finally {
    client.close();
  }
}

async function listServices(reflection) {
  const services = await reflection.listServices('*', new grpc.Metadata(), deadline());
  console.log('services (via reflection):');
  for (const name of [...services].sort()) console.log(`  ${name}`);
  if (!services.includes(SERVICE)) throw new ExitError(3, `${SERVICE} is not offered by the server`);
}

async function search(reflection, address, credentials, token) {
  // Descriptors of the service and all the files it depends on, fetched from the server.
  const descriptor = await reflection.getDescriptorBySymbol(SERVICE, new grpc.Metadata(), deadline());
  const packageObject = grpc.loadPackageDefinition(descriptor.getPackageDefinition(LOADER_OPTIONS));
  const OrganizationsService = lookup(packageObject, SERVICE);
  if (typeof OrganizationsService !== 'function') {
    throw new ExitError(3, `reflection did not return a usable descriptor for ${SERVICE}`);
  }

  const client = new OrganizationsService(address, credentials);
  const metadata = new grpc.Metadata();
  if (token) metadata.set('authorization', `Bearer ${token}`);
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

main().then(
  () => process.exit(0),
  (err) => {
    if (err instanceof ExitError) {
      console.error(`error: ${err.message}`);
      process.exit(err.code);
    }
    // Reflection failures arrive as ReflectionRequestException whose message holds the gRPC error.
    const kind = err?.constructor?.name === 'ReflectionRequestException' ? 'reflection failed: ' : '';
    console.error(`error: ${kind}${err?.message ?? err}`);
    process.exit(1);
  },
);
