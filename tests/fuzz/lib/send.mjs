// Sends a generated request over HTTP/1.1 (Node's fetch) with a deadline, reads its answer (a server stream only up to
// its first line or a short window), and checks it against the document.
import { declaredResponse } from './document.mjs';
import { serialize } from './generate.mjs';

// google/rpc/code.proto's HTTP mapping, as the server documents it for google.rpc.Status bodies.
const HTTP_OF_CODE = { 1: 499, 2: 500, 3: 400, 4: 504, 5: 404, 6: 409, 7: 403, 8: 429, 9: 400, 10: 409, 11: 400, 12: 501, 13: 500, 14: 503, 15: 500, 16: 401 };

// Percent-encodes a path segment byte by byte (lone surrogates become U+FFFD, as UTF-8 has no place for them).
function encodeSegment(value) {
  if (value && typeof value === 'object' && 'raw' in value) return value.raw;
  return [...Buffer.from(value, 'utf8')].map((b) => {
    const c = String.fromCharCode(b);
    return /[A-Za-z0-9\-._~!$&'()*+,;=@]/.test(c) ? c : `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }).join('');
}

function encodeQuery(pairs) {
  return pairs.map(([k, v]) => (k === null ? v : `${encodeURIComponent(k)}=${encodeURIComponent(v.replace(/[\ud800-\udfff]/g, '\ufffd'))}`)).join('&');
}

export function urlOf(base, operation, request) {
  const path = operation.path.replace(/\{([^}]+)\}/g, (_, name) => encodeSegment(request.pathParams[name] ?? ''));
  const query = encodeQuery(request.query);
  return `${base}${path}${query ? `?${query}` : ''}`;
}

export function bodyOf(request) {
  const { body } = request;
  if (body.kind === 'json') return Buffer.from(serialize(body.value), 'utf8');
  if (body.kind === 'raw') return Buffer.from(body.text, 'utf8');
  if (body.kind === 'bytes') return Buffer.from(body.hex, 'hex');
  if (body.kind === 'oversize') return Buffer.from(`{"note":"${'a'.repeat(body.bytes)}"}`, 'utf8');
  return undefined;
}

export function headersOf(request, tokens) {
  const headers = {};
  if (request.persona === 'garbage') headers.authorization = 'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.';
  else if (request.persona === 'malformed-header') headers.authorization = 'Basic Zm9vOmJhcg==';
  else if (request.persona !== 'none') headers.authorization = `Bearer ${tokens[request.persona]}`;
  if (request.contentType) headers['content-type'] = request.contentType;
  return headers;
}

// Reads the body: all of it (unary), or for a stream until its first complete line, its end, or streamWindowMs.
async function readBody(response, { streaming, deadline, streamWindowMs }) {
  const reader = response.body?.getReader();
  if (!reader) return { bytes: Buffer.alloc(0), complete: true };
  const chunks = [];
  let size = 0;
  const windowEnd = streaming ? Math.min(deadline, Date.now() + streamWindowMs) : deadline;
  for (;;) {
    const left = windowEnd - Date.now();
    if (left <= 0) break;
    let timer;
    const next = await Promise.race([
      reader.read(),
      new Promise((r) => { timer = setTimeout(() => r({ timeout: true }), left); }),
    ]);
    clearTimeout(timer);
    if (next.timeout) break;
    if (next.done) return { bytes: Buffer.concat(chunks), complete: true };
    chunks.push(Buffer.from(next.value));
    size += next.value.length;
    if (streaming && Buffer.concat(chunks).includes(0x0a)) break;
    if (size > 16 * 1024 * 1024) break;
  }
  reader.cancel().catch(() => {});
  return { bytes: Buffer.concat(chunks), complete: false, timedOut: !streaming || Date.now() >= deadline };
}

// Kestrel refuses a request whose request line it cannot take (over 8 KiB, a NUL in the path…) with an empty 400 or
// 414 and closes the connection; a client still writing a body or the rest of a long URL sees EPIPE or a reset instead
// of that answer. So a reset is checked by sending the request line and headers again without the body: an empty
// 4xx from Kestrel means the transport refused it (before any endpoint ran); anything else leaves the reset a finding.
export async function send(base, operation, request, tokens, options) {
  const answer = await sendOnce(base, operation, request, tokens, options);
  if (answer.status !== 0 || answer.timedOut || !/EPIPE|ECONNRESET|UND_ERR_SOCKET|other side closed/.test(answer.error)) return answer;
  const again = await sendOnce(base, operation, { ...request, body: { kind: 'none' } }, tokens, options);
  if (again.status >= 400 && again.status < 500 && again.bytes.length === 0 && !again.contentType) {
    return { ...again, transportRefusal: `${answer.error}, then HTTP ${again.status} from the transport without the body` };
  }
  return answer;
}

async function sendOnce(base, operation, request, tokens, options) {
  const url = urlOf(base, operation, request);
  const started = Date.now();
  const deadline = started + options.timeoutMs;
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), options.timeoutMs);
  try {
    const response = await fetch(url, {
      method: operation.method,
      headers: headersOf(request, tokens),
      body: bodyOf(request),
      signal: controller.signal,
      redirect: 'manual',
    });
    const streaming = operation.streaming && response.status === 200;
    const { bytes, complete, timedOut } = await readBody(response, { streaming, deadline, streamWindowMs: options.streamWindowMs });
    return {
      status: response.status,
      contentType: response.headers.get('content-type') ?? '',
      bytes,
      complete,
      timedOut: Boolean(timedOut && !complete),
      streaming,
      ms: Date.now() - started,
    };
  } catch (error) {
    const aborted = error?.name === 'AbortError' || controller.signal.aborted;
    return { status: 0, error: aborted ? `no answer within ${options.timeoutMs} ms` : `${error?.cause?.code ?? ''} ${error?.cause?.message ?? error?.message ?? error}`.trim(), timedOut: aborted, ms: Date.now() - started };
  } finally {
    clearTimeout(timer);
    controller.abort();
  }
}

function describeErrors(errors) {
  return (errors ?? []).slice(0, 4).map((e) => `${e.instancePath || '/'} ${e.message}${e.params?.additionalProperty ? ` (${e.params.additionalProperty})` : ''}`).join('; ');
}

// The findings of one answer, or [] when it keeps to the document. Each finding: { kind, detail }.
export function check(operation, answer, validator) {
  if (answer.status === 0) return [{ kind: answer.timedOut ? 'hang' : 'connection', detail: answer.error }];
  const findings = [];
  if (answer.status >= 500) findings.push({ kind: 'server error', detail: `HTTP ${answer.status}` });
  if (answer.timedOut) findings.push({ kind: 'hang', detail: `HTTP ${answer.status} but the body did not end within the deadline` });
  const declared = declaredResponse(operation, answer.status);
  if (!declared) {
    findings.push({ kind: 'undeclared status', detail: `HTTP ${answer.status}; the document declares ${Object.keys(operation.responses).join(', ')}` });
    return findings;
  }
  const text = answer.bytes.toString('utf8');
  if (answer.bytes.length === 0) {
    if (answer.status < 300 && declared.content) findings.push({ kind: 'empty body', detail: `HTTP ${answer.status} without the declared ${Object.keys(declared.content).join(', ')} body` });
    return findings;
  }
  const mediaType = answer.contentType.split(';')[0].trim().toLowerCase();
  const content = Object.entries(declared.content ?? {}).find(([type]) => type.toLowerCase() === mediaType)?.[1];
  if (!content) {
    findings.push({ kind: 'content type', detail: `HTTP ${answer.status} answered ${answer.contentType || 'no content type'}; the document declares ${Object.keys(declared.content ?? {}).join(', ') || 'no body'}` });
    return findings;
  }
  // A stream's lines (only the complete ones: the read stopped after the first); anything else is one JSON document.
  const documents = [];
  if (answer.streaming) {
    const lines = text.split('\n');
    if (!answer.complete) lines.pop();
    for (const line of lines) if (line.trim()) documents.push(line);
  } else {
    documents.push(text);
  }
  const validate = content.schema ? validator(content.schema) : null;
  for (const [index, doc] of documents.entries()) {
    let value;
    try {
      value = JSON.parse(doc);
    } catch (error) {
      findings.push({ kind: 'not JSON', detail: `${answer.streaming ? `line ${index + 1}: ` : ''}${error.message}: ${doc.slice(0, 120)}` });
      continue;
    }
    if (validate && !validate(value)) {
      findings.push({ kind: 'schema violation', detail: `${answer.streaming ? `line ${index + 1}: ` : ''}HTTP ${answer.status}: ${describeErrors(validate.errors)}`, body: doc.slice(0, 600) });
    }
    // A google.rpc.Status body names a code whose HTTP status is the one sent.
    if (answer.status >= 400 && value && typeof value.code === 'number' && HTTP_OF_CODE[value.code] !== answer.status) {
      findings.push({ kind: 'status mismatch', detail: `HTTP ${answer.status} with google.rpc.Status code ${value.code} (HTTP ${HTTP_OF_CODE[value.code]})` });
    }
  }
  return findings;
}
