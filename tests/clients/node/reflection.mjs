// Shared by the ReferralNet Node.js examples: health, reflection and unary calls with a deadline.
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { GrpcReflection } from 'grpc-js-reflection-client';

export { grpc, GrpcReflection };

export const DEADLINE_MS = 10_000;

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

export const LOADER_OPTIONS = { keepCase: true, enums: String, longs: String, defaults: true, oneofs: true };

export class ExitError extends Error {
  constructor(code, message) {
    super(message);
    this.code = code;
  }
}

export const deadline = () => ({ deadline: Date.now() + DEADLINE_MS });
export const statusName = (code) => Object.keys(grpc.status).find((k) => grpc.status[k] === code) ?? String(code);

// Walks "a.b.C" down a grpc-js package object.
export function lookup(packageObject, fullName) {
  return fullName.split('.').reduce((node, part) => (node ? node[part] : undefined), packageObject);
}

export function unary(client, method, request, metadata = new grpc.Metadata()) {
  return new Promise((resolve, reject) => {
    client[method](request, metadata, deadline(), (err, response) => (err ? reject(err) : resolve(response)));
  });
}

// A unary call whose failure ends the example with exit code 4 and the gRPC status.
export async function call(client, method, request, metadata) {
  try {
    return await unary(client, method, request, metadata);
  } catch (err) {
    throw new ExitError(4, `${method} failed: ${statusName(err.code)}: ${err.details ?? err.message}`);
  }
}

export async function checkHealth(address, credentials) {
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


// A client of the service named fullName, built from the descriptors the server sends by reflection.
export async function reflectedClient(reflection, fullName, address, credentials) {
  const descriptor = await reflection.getDescriptorBySymbol(fullName, new grpc.Metadata(), deadline());
  const packageObject = grpc.loadPackageDefinition(descriptor.getPackageDefinition(LOADER_OPTIONS));
  const Service = lookup(packageObject, fullName);
  if (typeof Service !== 'function') throw new ExitError(3, `reflection did not return a usable descriptor for ${fullName}`);
  return new Service(address, credentials);
}

// Metadata with the bearer token, when there is one.
export function bearer(token) {
  const metadata = new grpc.Metadata();
  if (token) metadata.set('authorization', `Bearer ${token}`);
  return metadata;
}

// Runs main and exits with its ExitError code (1 for anything unexpected).
export function run(main) {
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
}
