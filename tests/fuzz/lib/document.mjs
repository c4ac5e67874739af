// The OpenAPI document as the fuzzer uses it: its operations, their parameters and responses, and one ajv validator
// per response schema. The document is OpenAPI 3.0 (Swashbuckle writes 3.0.x); its schema objects are a subset of JSON
// Schema that ajv's 2020-12 dialect reads once the 3.0-only keywords are translated (nullable, readOnly is an
// annotation there too). A 3.1 document would pass through unchanged.
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

const METHODS = ['get', 'put', 'post', 'delete', 'patch'];

// Follows a local $ref ("#/components/schemas/X") to the schema it names.
export function resolve(document, schema) {
  let current = schema;
  for (let hops = 0; current && current.$ref; hops++) {
    if (hops > 32 || !current.$ref.startsWith('#/')) throw new Error(`cannot follow $ref ${current.$ref}`);
    current = current.$ref.slice(2).split('/').reduce((node, part) => node?.[part.replace(/~1/g, '/').replace(/~0/g, '~')], document);
    if (current === undefined) throw new Error(`dangling $ref ${schema.$ref}`);
  }
  return current;
}

// OpenAPI 3.0 schema object -> JSON Schema 2020-12 (a copy). nullable: true becomes a type union with null.
function toJsonSchema(schema) {
  if (Array.isArray(schema)) return schema.map(toJsonSchema);
  if (!schema || typeof schema !== 'object') return schema;
  const out = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'nullable' || key === 'example' || key === 'xml' || key === 'externalDocs' || key.startsWith('x-')) continue;
    if (key === 'properties' || key === 'patternProperties' || key === '$defs') {
      out[key] = Object.fromEntries(Object.entries(value).map(([name, sub]) => [name, toJsonSchema(sub)]));
    } else {
      out[key] = toJsonSchema(value);
    }
  }
  if (schema.nullable === true) {
    if (typeof out.type === 'string') out.type = [out.type, 'null'];
    else if (out.$ref || out.enum) return { anyOf: [out, { type: 'null' }] };
  }
  if (out.$ref) out.$ref = out.$ref.replace('#/components/schemas/', 'openapi#/components/schemas/');
  return out;
}

export function validatorFactory(document) {
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true });
  addFormats(ajv);
  // OpenAPI's numeric formats are ranges; 64-bit integers are strings in the protobuf JSON mapping.
  ajv.addFormat('int32', { type: 'number', validate: (n) => Number.isInteger(n) && n >= -(2 ** 31) && n < 2 ** 31 });
  ajv.addFormat('uint32', { type: 'number', validate: (n) => Number.isInteger(n) && n >= 0 && n < 2 ** 32 });
  ajv.addFormat('int64', { type: 'string', validate: (s) => /^-?[0-9]+$/.test(s) && BigInt(s) >= -(2n ** 63n) && BigInt(s) < 2n ** 63n });
  ajv.addFormat('uint64', { type: 'string', validate: (s) => /^[0-9]+$/.test(s) && BigInt(s) < 2n ** 64n });
  ajv.addFormat('double', { type: 'number', validate: () => true });
  ajv.addFormat('float', { type: 'number', validate: () => true });
  const schemas = Object.fromEntries(Object.entries(document.components?.schemas ?? {}).map(([name, s]) => [name, toJsonSchema(s)]));
  ajv.addSchema({ $id: 'openapi', components: { schemas } });
  const cache = new Map();
  return (schema) => {
    const key = JSON.stringify(schema);
    if (!cache.has(key)) cache.set(key, ajv.compile(toJsonSchema(schema)));
    return cache.get(key);
  };
}

// Every operation: method, path template, parameters, request body schema, declared responses.
export function operations(document) {
  const result = [];
  for (const [path, item] of Object.entries(document.paths ?? {})) {
    for (const method of METHODS) {
      const operation = item[method];
      if (!operation) continue;
      const parameters = [...(item.parameters ?? []), ...(operation.parameters ?? [])].map((p) => resolve(document, p));
      const body = operation.requestBody ? resolve(document, operation.requestBody) : undefined;
      const bodySchema = body?.content?.['application/json']?.schema;
      result.push({
        key: `${method.toUpperCase()} ${path}`,
        method: method.toUpperCase(),
        path,
        operationId: operation.operationId,
        parameters,
        bodySchema,
        bodyRequired: body?.required === true,
        responses: operation.responses ?? {},
        streaming: operation['x-server-streaming'] === true,
        security: operation.security ?? document.security ?? [],
      });
    }
  }
  return result;
}

// The declared response for an HTTP status: the exact code, then its range ("4XX"), then default.
export function declaredResponse(operation, status) {
  const responses = operation.responses;
  return responses[String(status)] ?? responses[`${String(status)[0]}XX`] ?? responses.default;
}
