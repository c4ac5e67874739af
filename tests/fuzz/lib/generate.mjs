// fast-check arbitraries of whole requests for one operation: path and query parameters, headers and body, each
// either shaped like the document says (with real ids, etags and page tokens harvested from the server) or hostile.
// A request is plain data ({ method, path, query, persona, contentType, body }); send.mjs turns it into HTTP.
import fc from 'fast-check';
import { resolve } from './document.mjs';

// A piece of JSON text written as is (numbers JSON.stringify cannot write, broken syntax).
export class RawJson {
  constructor(text) {
    this.text = text;
  }
}

export function serialize(value) {
  if (value instanceof RawJson) return value.text;
  if (Array.isArray(value)) return `[${value.map(serialize).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.entries(value).map(([k, v]) => `${JSON.stringify(k)}:${serialize(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

const LANGUAGES = ['nl', 'ar', 'tr', 'en', 'so', 'ti', 'pl', 'ber', 'pap', 'uk', 'xx', 'NL', 'nld'];
const NEIGHBOURHOODS = ['moerwijk', 'schilderswijk', 'transvaal', 'regentesse', 'benoordenhout', 'Moerwijk', 'nowhere'];
const INJECTIONS = [
  "' OR '1'='1", '"; DROP TABLE referrals; --', '../../../../etc/passwd', '%00', '%2e%2e%2f', '${jndi:ldap://127.0.0.1/x}',
  '<script>alert(1)</script>', '{{7*7}}', '\\', '\\u0000', 'null', 'undefined', 'NaN', '-0', '0x10', '1e999', ' ', '\t\n',
];
// Characters the server refuses in names (format, bidi, zero-width) and ones that break naive parsers.
const NASTY_CHARS = ['\u0000', '\u0001', '\u001b', '\u007f', '\u0085', '\u00a0', '\u200b', '\u200d', '\u202e', '\u2066', '\ufeff',
  '\ufffd', '\uffff', '\ud800', '\udfff', '\u{1f468}\u200d\u{1f469}\u200d\u{1f467}', 'K', '\u212a', 'ß', 'İ', '\u0301', '"', '\\', '\n'];

// The BSN eleven-test: 9 digits, sum of digit * (9..2) minus the last digit divisible by 11.
function bsnOf(eight) {
  const digits = eight.padStart(8, '0').slice(0, 8).split('').map(Number);
  const sum = digits.reduce((acc, d, i) => acc + d * (9 - i), 0);
  for (let last = 0; last <= 9; last++) if ((sum - last) % 11 === 0) return digits.join('') + last;
  return null;
}

const uuid = () => fc.uuid();
const controlString = fc.string({ unit: fc.integer({ min: 0, max: 31 }).map((c) => String.fromCharCode(c)), minLength: 1, maxLength: 8 });
const nastyString = fc.array(fc.oneof(fc.constantFrom(...NASTY_CHARS), fc.string({ maxLength: 3 })), { minLength: 1, maxLength: 6 }).map((a) => a.join(''));
const hugeString = fc.tuple(fc.constantFrom('a', 'é', '\u{1f600}', ' ', '0', '\u0000'), fc.integer({ min: 2_000, max: 300_000 })).map(([c, n]) => c.repeat(n));

// Any string a hostile client might send in a string field.
export const hostileString = fc.oneof(
  { arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }), weight: 3 },
  { arbitrary: fc.string({ unit: 'binary', maxLength: 20 }), weight: 2 },
  { arbitrary: controlString, weight: 2 },
  { arbitrary: nastyString, weight: 3 },
  { arbitrary: fc.constantFrom(...INJECTIONS), weight: 2 },
  { arbitrary: hugeString, weight: 1 },
  { arbitrary: fc.constant(''), weight: 1 },
);

// Any JSON value, mostly of another type than the field's.
const wrongType = fc.oneof(
  fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.string({ maxLength: 8 }),
  fc.array(fc.oneof(fc.integer(), fc.string({ maxLength: 4 })), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 6 }), fc.string({ maxLength: 6 }), { maxKeys: 2 }),
  fc.constantFrom(new RawJson('1e400'), new RawJson('-0'), new RawJson('123456789012345678901234567890'), new RawJson('1.0e-400')),
);

const hostileNumber = fc.oneof(
  fc.constantFrom(INT32_MAX + 1, INT32_MIN - 1, -1, 0, 1.5, 1e20, -1e20, Number.MAX_SAFE_INTEGER + 2, 2 ** 53, 4294967296),
  fc.constantFrom(new RawJson('1e400'), new RawJson('-1e400'), new RawJson('9223372036854775808'), new RawJson('0.1e1'), new RawJson('1E2')),
  fc.constantFrom('NaN', 'Infinity', '-Infinity', '12', ' 12', '1e3', 'twelve', ''),
  fc.integer(),
  fc.double(),
);

const timestamp = fc.date({ min: new Date('1900-01-01T00:00:00Z'), max: new Date('2200-12-31T23:59:59Z'), noInvalidDate: true }).map((d) => d.toISOString());
const hostileTimestamp = fc.oneof(
  fc.constantFrom('0001-01-01T00:00:00Z', '9999-12-31T23:59:59.999999999Z', '10000-01-01T00:00:00Z', '2026-13-45T99:00:00Z',
    '2026-02-30T00:00:00Z', '2026-12-02', '2026-12-02T10:00:00', '2026-12-02T10:00:00+99:00', '1969-12-31T23:59:59.9999999999Z',
    'now', '', '1700000000', '2026-12-02T10:00:00.1234567891Z', '2026-12-02 10:00:00Z'),
  hostileString,
);
const duration = fc.oneof(
  fc.integer({ min: 1, max: 400 * 86_400 }).map((s) => `${s}s`),
  fc.tuple(fc.integer({ min: 0, max: 1000 }), fc.integer({ min: 1, max: 999_999_999 })).map(([s, n]) => `${s}.${String(n).padStart(9, '0')}s`),
);
const hostileDuration = fc.oneof(
  fc.constantFrom('-1s', '0s', '315576000001s', '1e9s', '0.0000000001s', 'P1D', '1h', '1', 's', '', '-0.5s', '999999999999999999999s', '34560001s'),
  hostileString,
);

// Numbers of an int32 field: mostly small and meaningful, sometimes any int32.
const int32 = fc.oneof({ arbitrary: fc.integer({ min: 0, max: 250 }), weight: 4 }, { arbitrary: fc.integer({ min: INT32_MIN, max: INT32_MAX }), weight: 1 });

// "referrals" -> referral, "serviceUsers" -> serviceuser: the pool name of a collection's ids.
export function singular(word) {
  const w = word.toLowerCase();
  if (w.endsWith('ies')) return `${w.slice(0, -3)}y`;
  if (w.endsWith('sses')) return w.slice(0, -2);
  if (w.endsWith('s')) return w.slice(0, -1);
  return w;
}

// The pool names an id-like field or parameter may draw from: "serviceUserId" -> serviceuserid, serviceuser; a path
// "id" after "/v1/referrals/" -> referral.
function idPools(name, context) {
  const lower = name.toLowerCase().split('.').pop();
  const names = [lower];
  if (lower.endsWith('ids')) names.push(lower.slice(0, -1), lower.slice(0, -3));
  else if (lower.endsWith('id') && lower !== 'id') names.push(lower.slice(0, -2));
  if (lower === 'id' && context.resource) {
    names.push(context.resource);
    // /v1/spannerAssignments/{id}: the answers call them "assignments".
    for (const known of context.ctx.resourceNames) if (context.resource.endsWith(known)) names.push(known);
  }
  // fromMemberId, handlerMemberId, toServiceId: the resource is the known pool that ends the name.
  for (const known of context.ctx.resourceNames) if (lower.endsWith(`${known}id`) || lower.endsWith(`${known}ids`)) names.push(known);
  return names;
}

function poolValues(ctx, names) {
  const seen = new Set();
  for (const name of names) for (const v of ctx.pools.get(name) ?? []) seen.add(v);
  return [...seen].sort();
}

function isIdLike(name) {
  const lower = name.toLowerCase().split('.').pop();
  return lower === 'id' || lower.endsWith('id') || lower.endsWith('ids');
}

// A string for a field called name, shaped like real input (pooled server values, known vocabularies).
function plausibleString(name, schema, context) {
  const { ctx } = context;
  const lower = name.toLowerCase().split('.').pop();
  const options = [];
  const add = (arbitrary, weight = 1) => options.push({ arbitrary, weight });
  if (schema.format === 'date-time' || /time$/.test(lower)) add(timestamp, 6);
  if (schema.format === 'int64') add(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }).map(String), 2), add(fc.nat(1000).map(String), 4);
  if (schema.pattern && /s\$/.test(schema.pattern)) add(duration, 6);
  if (lower === 'by' || lower.endsWith('deadline') || lower.endsWith('duration')) add(duration, 6);
  if (lower === 'requestid') add(uuid(), 8);
  if (lower === 'bsn') add(fc.nat(99_999_999).map((n) => bsnOf(String(n))).filter(Boolean), 4), add(fc.constantFrom('111222333', '123456782'), 2);
  if (lower === 'language' || lower === 'languages') add(fc.constantFrom(...LANGUAGES), 6);
  if (lower.includes('neighbourhood')) add(fc.constantFrom(...NEIGHBOURHOODS), 4);
  if (lower.includes('email')) add(fc.tuple(fc.stringMatching(/^[a-z]{1,8}$/), fc.constantFrom('example', 'wijkteam-moerwijk.example')).map(([u, d]) => `${u}@${d}`), 4);
  if (lower === 'pagetoken') {
    const tokens = ctx.pageTokens;
    if (tokens.length) {
      add(fc.constantFrom(...tokens), 3);
      add(fc.tuple(fc.constantFrom(...tokens), fc.nat(), fc.constantFrom('flip', 'cut', 'append', 'pad')).map(([t, i, how]) => {
        const at = i % t.length;
        if (how === 'flip') return t.slice(0, at) + (t[at] === 'A' ? 'B' : 'A') + t.slice(at + 1);
        if (how === 'cut') return t.slice(0, at);
        if (how === 'append') return `${t}AAAA`;
        return `${t}==`;
      }), 4);
    }
    add(fc.base64String({ maxLength: 80 }), 2);
    add(fc.constantFrom('eyJ9', 'e30', 'eyJvZmZzZXQiOi0xfQ', '....', 'A'.repeat(4096)), 1);
  }
  if (lower === 'etag') {
    const etags = poolValues(ctx, ['etag']);
    if (etags.length) add(fc.constantFrom(...etags), 4);
    add(fc.constantFrom('W/"1"', '"1"', '1', '*'), 1);
  }
  if (lower === 'updatemask' && context.maskFields?.length) {
    add(fc.subarray(context.maskFields, { minLength: 1 }).map((a) => a.join(',')), 6);
    add(fc.constantFrom('*', 'id', 'nope', 'a,,b', 'etag'), 2);
  }
  if (isIdLike(lower)) {
    const specific = poolValues(ctx, idPools(name, context));
    if (specific.length) add(fc.constantFrom(...specific), 8);
    const any = ctx.allIds;
    if (any.length) add(fc.constantFrom(...any), 2);
    add(uuid(), 2);
  } else {
    const pooled = poolValues(ctx, [lower]);
    if (pooled.length) add(fc.constantFrom(...pooled), 4);
  }
  add(fc.string({ unit: 'grapheme-ascii', maxLength: 24 }), options.length ? 1 : 4);
  return fc.oneof(...options);
}

function hostileFor(name, schema) {
  const lower = name.toLowerCase().split('.').pop();
  if (schema.format === 'date-time' || /time$/.test(lower)) return fc.oneof(hostileTimestamp, wrongType);
  if ((schema.pattern && /s\$/.test(schema.pattern)) || lower === 'by' || lower.endsWith('deadline')) return fc.oneof(hostileDuration, wrongType);
  if (schema.type === 'integer' || schema.type === 'number') return fc.oneof({ arbitrary: hostileNumber, weight: 3 }, { arbitrary: wrongType, weight: 1 });
  if (schema.format === 'int64') return fc.oneof(hostileNumber, fc.constantFrom('9223372036854775808', '-9223372036854775809', '1.5', 'x'));
  if (schema.enum) {
    const words = schema.enum.filter((v) => typeof v === 'string');
    const prefix = words[1]?.replace(/_[A-Z0-9]+$/, '') ?? 'X';
    return fc.oneof(
      fc.constantFrom(`${prefix}_NOPE`, 'UNKNOWN', '', ...words.slice(0, 2).map((w) => w.toLowerCase()), ...words.slice(0, 1).map((w) => ` ${w}`)),
      fc.constantFrom(0, 1, 999, -1, 2 ** 31, 1.5),
      wrongType,
    );
  }
  if (schema.type === 'boolean') return fc.oneof(fc.constantFrom('true', 'yes', 1, 0, 'TRUE', null), wrongType);
  if (schema.type === 'array') return fc.oneof(wrongType, fc.array(hostileString, { maxLength: 4 }), fc.constant(Array.from({ length: 300 }, (_, i) => `x${i}`)));
  if (schema.type === 'object' || schema.properties) return fc.oneof(wrongType, fc.constant({ '': 1 }), fc.constant({ '@type': 'x' }));
  return fc.oneof({ arbitrary: hostileString, weight: 4 }, { arbitrary: wrongType, weight: 1 });
}

// A value for schema; mode 'valid' keeps every field to its declared shape, 'hostile' breaks one place somewhere.
function valueArb(name, schemaOrRef, context, depth) {
  const schema = resolve(context.document, schemaOrRef);
  if (schema.enum) {
    const values = schema.enum.filter((v) => v !== null);
    const meaningful = values.filter((v) => typeof v !== 'string' || !v.endsWith('_UNSPECIFIED'));
    return meaningful.length && meaningful.length < values.length
      ? fc.oneof({ arbitrary: fc.constantFrom(...meaningful), weight: 9 }, { arbitrary: fc.constantFrom(...values), weight: 1 })
      : fc.constantFrom(...values);
  }
  if (schema.type === 'string' || (!schema.type && !schema.properties && schema.format)) return plausibleString(name, schema, context);
  if (schema.type === 'integer') return schema.format === 'int64' ? fc.nat(1000) : int32;
  if (schema.type === 'number') return fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 }), fc.integer({ min: 0, max: 10 }));
  if (schema.type === 'boolean') return fc.boolean();
  if (schema.type === 'array') {
    if (depth > 4) return fc.constant([]);
    return fc.array(valueArb(name, schema.items ?? {}, context, depth + 1), { maxLength: 3 });
  }
  if (schema.type === 'object' || schema.properties) {
    if (depth > 4) return fc.constant({});
    const properties = Object.entries(schema.properties ?? {}).filter(([, p]) => !resolve(context.document, p).readOnly);
    const model = Object.fromEntries(properties.map(([key, sub]) => [key, valueArb(key, sub, context, depth + 1)]));
    // Mostly every field (proto3 has no required fields, but the server requires many), sometimes only some.
    const record = fc.oneof(
      { arbitrary: fc.record(model), weight: 3 },
      { arbitrary: fc.record(model, { requiredKeys: schema.required ?? [] }), weight: 2 },
    );
    if (schema.additionalProperties && typeof schema.additionalProperties === 'object' && properties.length === 0) {
      return fc.dictionary(fc.string({ maxLength: 8 }), valueArb('value', schema.additionalProperties, context, depth + 1), { maxKeys: 3 });
    }
    return record;
  }
  return fc.jsonValue({ maxDepth: 2 });
}

// Every place (a path of property names) in a body schema where a hostile value can go, with its schema.
function places(document, schemaOrRef, prefix = [], depth = 0, out = []) {
  const schema = resolve(document, schemaOrRef);
  if (depth > 3 || !(schema.type === 'object' || schema.properties)) return out;
  for (const [key, sub] of Object.entries(schema.properties ?? {})) {
    const resolved = resolve(document, sub);
    out.push({ path: [...prefix, key], name: key, schema: resolved });
    places(document, resolved, [...prefix, key], depth + 1, out);
  }
  return out;
}

function setAt(target, path, value) {
  const copy = Array.isArray(target) ? [...target] : { ...(target && typeof target === 'object' ? target : {}) };
  const [head, ...rest] = path;
  copy[head] = rest.length ? setAt(copy[head], rest, value) : value;
  return copy;
}

// The fields an update_mask may name: the resource's own fields (the request's first object property).
function maskFieldsOf(document, bodySchema) {
  if (!bodySchema) return [];
  const schema = resolve(document, bodySchema);
  for (const [key, sub] of Object.entries(schema.properties ?? {})) {
    const resolved = resolve(document, sub);
    if (key !== 'updateMask' && resolved.properties) {
      return Object.keys(resolved.properties).map((k) => k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`));
    }
  }
  return [];
}

const MALFORMED = [
  '{', '}', '{"a":}', '{"a" 1}', '{,}', "{'a':1}", '{"a":1,}', '[1,]', 'nul', 'tru', '{"a":1}{"b":2}', '{"a":1} trailing', '\ufeff{}',
  '{"\\ud800":1}', '{"a":"\\ud800"}', '{"a":"\\u00"}', '{"a":NaN}', '{"a":Infinity}', '{"a":01}', '{"a":.5}', '{"a":+1}', '{"a":1e}',
  '/* c */ {}', '{"a":1 // c\n}', '\u0000', ' ', '\n\n', '{"a":"\u0001"}',
];

// The request bodies: valid shape, one field broken, an extra field, broken JSON, not an object, none.
function bodyArb(operation, context) {
  const { document } = context;
  const schema = operation.bodySchema;
  const valid = valueArb('body', schema, context, 0);
  const where = places(document, schema).filter((p) => !p.schema.readOnly);
  const options = [
    { arbitrary: valid.map((value) => ({ kind: 'json', value })), weight: 5 },
    { arbitrary: fc.tuple(valid, fc.constantFrom(...(where.length ? where : [{ path: ['x'], name: 'x', schema: {} }])), fc.nat())
      .chain(([value, place]) => hostileFor(place.name, place.schema).map((bad) => ({ kind: 'json', value: setAt(value, place.path, bad) }))), weight: 5 },
    { arbitrary: fc.tuple(valid, fc.constantFrom('unknownField', 'extra', '@type', 'id ', 'Id', 'request_id_x', '__proto__', 'constructor'), fc.jsonValue({ maxDepth: 1 }))
      .map(([value, key, extra]) => ({ kind: 'raw', text: `${serialize(value).slice(0, -1)}${Object.keys(value ?? {}).length ? ',' : ''}${JSON.stringify(key)}:${serialize(extra)}}` })), weight: 1 },
    { arbitrary: fc.oneof(
      fc.constantFrom(...MALFORMED),
      valid.chain((value) => {
        const text = serialize(value);
        return fc.nat({ max: Math.max(0, text.length - 1) }).map((cut) => text.slice(0, cut));
      }),
      fc.integer({ min: 65, max: 2000 }).map((n) => '['.repeat(n) + ']'.repeat(n)),
      fc.integer({ min: 65, max: 2000 }).map((n) => '{"a":'.repeat(n) + '1' + '}'.repeat(n)),
      valid.map((value) => {
        const text = serialize(value);
        const key = Object.keys(value ?? {})[0];
        return key ? `${text.slice(0, -1)},${JSON.stringify(key)}:${serialize(value[key])}}` : '{"a":1,"a":2}';
      }),
    ).map((text) => ({ kind: 'raw', text })), weight: 2 },
    { arbitrary: fc.constantFrom('[]', '"text"', '123', 'null', 'true', '[{}]').map((text) => ({ kind: 'raw', text })), weight: 1 },
    { arbitrary: fc.constant({ kind: 'none' }), weight: 1 },
    { arbitrary: fc.constantFrom(0x80, 0xc0, 0xff).map((byte) => ({ kind: 'bytes', hex: `7b2261223a22${byte.toString(16)}227d` })), weight: 1 },
    // Over the server's message size (1 MiB by default): RESOURCE_EXHAUSTED, not a crash.
    { arbitrary: fc.constant({ kind: 'oversize', bytes: 1_200_000 }), weight: 1 },
  ];
  return fc.oneof(...options);
}

// A value as URL text. Kept to 3,000 characters: over Kestrel's 8 KiB request line a URL is refused with 414 before any
// endpoint runs, and a URL of megabytes only measures how the client's write races the server's close.
const URL_VALUE_LIMIT = 3000;
function urlText(v) {
  const text = v instanceof RawJson ? v.text : typeof v === 'object' ? JSON.stringify(v) : String(v);
  return text.length > URL_VALUE_LIMIT ? text.slice(0, URL_VALUE_LIMIT) : text;
}

function queryValueArb(parameter, context, hostile) {
  const schema = resolve(context.document, parameter.schema ?? {});
  const scalar = (s) => (hostile ? hostileFor(parameter.name, s) : valueArb(parameter.name, s, context, 0));
  if (schema.type === 'array') {
    const item = resolve(context.document, schema.items ?? {});
    return fc.array(scalar(item), { minLength: 1, maxLength: hostile ? 300 : 3 }).map((values) => values.map(urlText));
  }
  return scalar(schema).map((v) => [urlText(v)]);
}

// A path parameter as URL text. An empty segment or a dot segment is another URL, and ':' starts a custom method
// (RFC 3986 reads %3A as ':'): those would be requests of other routes, not of this operation.
function pathText(v) {
  if (v && typeof v === 'object' && 'raw' in v) return v;
  const safe = urlText(v).replace(/:/g, ';');
  return /^\.*$/.test(safe) ? `${safe}x` : safe;
}

function pathValueArb(parameter, context, hostile) {
  const schema = resolve(context.document, parameter.schema ?? {});
  const valid = valueArb(parameter.name, schema, context, 0);
  if (!hostile) return valid.map(pathText);
  return fc.oneof(
    { arbitrary: valid, weight: 3 },
    { arbitrary: hostileFor(parameter.name, schema), weight: 3 },
    { arbitrary: fc.constantFrom('%ff', '%c0%af', '%00', '%zz', '%2F', '%252F').map((raw) => ({ raw })), weight: 1 },
  ).map(pathText);
}

const PERSONA_FAULTS = ['none', 'garbage', 'malformed-header'];

// The whole request of one operation: two in five every part shaped as the document says (to reach the rules behind
// the validation), the rest with hostile parts anywhere.
export function requestArb(operation, ctx, document) {
  const resource = singular(operation.path.split('/').filter((s) => s && !s.startsWith('{') && !s.includes(':') && s !== 'v1').pop() ?? '');
  const context = { document, ctx, resource, maskFields: maskFieldsOf(document, operation.bodySchema) };
  const pathParameters = operation.parameters.filter((p) => p.in === 'path');
  const queryParameters = operation.parameters.filter((p) => p.in === 'query');
  const hasBody = Boolean(operation.bodySchema);
  const shaped = (hostile) => {
    const pathArb = fc.record(Object.fromEntries(pathParameters.map((p) => [p.name, pathValueArb(p, context, hostile)])));
    const queryArb = fc.tuple(
      ...queryParameters.map((p) => fc.oneof(
        { arbitrary: fc.constant(null), weight: 3 },
        { arbitrary: queryValueArb(p, context, false), weight: 3 },
        { arbitrary: queryValueArb(p, context, true), weight: hostile ? 2 : 0 },
      ).map((values) => (values ? values.map((v) => [p.name, v]) : []))),
      hostile
        ? fc.oneof(
          { arbitrary: fc.constant([]), weight: 6 },
          { arbitrary: fc.constantFrom('unknown', 'page_size', 'PageSize', '', 'a[b]').map((k) => [[k, '1']]), weight: 1 },
          { arbitrary: fc.constantFrom('%zz', '%00', '%ff%fe', 'a=b=c', '&&&').map((raw) => [[null, raw]]), weight: 1 },
        )
        : fc.constant([]),
    ).map((lists) => lists.flat());
    const personaArb = hostile
      ? fc.oneof({ arbitrary: fc.constantFrom(...ctx.personas), weight: 12 }, { arbitrary: fc.constantFrom(...PERSONA_FAULTS), weight: 1 })
      : fc.constantFrom(...ctx.personas);
    const contentTypeArb = !hasBody
      ? fc.constant(undefined)
      : hostile
        ? fc.oneof({ arbitrary: fc.constant('application/json'), weight: 10 }, fc.constantFrom('application/json; charset=utf-8', 'text/plain', 'APPLICATION/JSON', '', 'application/x-www-form-urlencoded'))
        : fc.constant('application/json');
    const validBody = hasBody ? valueArb('body', operation.bodySchema, context, 0).map((value) => ({ kind: 'json', value })) : null;
    return fc.record({
      pathParams: pathArb,
      query: queryArb,
      persona: personaArb,
      contentType: contentTypeArb,
      body: !hasBody ? fc.constant({ kind: 'none' }) : hostile ? bodyArb(operation, context) : validBody,
      coherent: fc.nat(3).map((n) => n > 0),
    });
  };
  return fc.oneof({ arbitrary: shaped(false), weight: 2 }, { arbitrary: shaped(true), weight: 3 })
    .map(({ coherent, ...r }) => ({ operation: operation.key, method: operation.method, ...(coherent ? withKnownEtag(r, ctx, document, operation) : r) }));
}

// Most requests that change an object carry the etag it had when harvested, so they get past ABORTED to the rules of
// the change (the first success changes it, and later ones meet ABORTED again).
function withKnownEtag(request, ctx, document, operation) {
  const { body } = request;
  if (body.kind !== 'json' || !body.value || typeof body.value !== 'object' || Array.isArray(body.value)) return request;
  const idParameter = Object.keys(request.pathParams).find((name) => name === 'id' || name.endsWith('.id'));
  const id = idParameter ? request.pathParams[idParameter] : body.value.id;
  const etag = typeof id === 'string' ? ctx.etags.get(id) : undefined;
  if (!etag) return request;
  const schema = resolve(document, operation.bodySchema);
  const value = { ...body.value };
  if (schema.properties?.etag) value.etag = etag;
  for (const [key, sub] of Object.entries(schema.properties ?? {})) {
    if (resolve(document, sub).properties?.etag && value[key] && typeof value[key] === 'object' && !Array.isArray(value[key])) value[key] = { ...value[key], etag };
  }
  return { ...request, body: { kind: 'json', value } };
}
