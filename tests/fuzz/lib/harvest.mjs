// Before fuzzing: reads what the demo data holds through the document's own GET operations, as every persona, so that
// generated requests name real ids, etags, page tokens and vocabulary (neighbourhoods, languages) and reach past
// NOT_FOUND. The pools are sorted, so a seed picks the same places of them on a server with the same data.
import { singular } from './generate.mjs';

const POOL_LIMIT = 40;

export async function harvest(base, document, operations, tokens, timeoutMs) {
  const pools = new Map();
  const pageTokens = new Set();
  const etags = new Map();
  const resources = new Set();
  const add = (name, value) => {
    if (!pools.has(name)) pools.set(name, new Set());
    pools.get(name).add(value);
  };
  const collect = (value, parent) => {
    if (Array.isArray(value)) {
      for (const item of value) collect(item, parent);
      return;
    }
    if (!value || typeof value !== 'object') return;
    if (typeof value.id === 'string' && typeof value.etag === 'string') etags.set(value.id, value.etag);
    for (const [key, field] of Object.entries(value)) {
      const lower = key.toLowerCase();
      if (typeof field === 'string' && field.length > 0 && field.length <= 300) {
        if (lower === 'nextpagetoken') pageTokens.add(field);
        else add(lower, field);
        if (lower === 'id' && parent) {
          add(singular(parent), field);
          resources.add(singular(parent));
        }
      } else if (Array.isArray(field) && field.every((f) => typeof f === 'string')) {
        for (const f of field) if (f.length <= 300) add(lower, f);
      } else {
        collect(field, key);
      }
    }
  };
  const get = async (path, token) => {
    try {
      const response = await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(timeoutMs) });
      if (response.ok) collect(await response.json(), null);
    } catch {
      // A read that fails here is the fuzzer's business later, not the harvest's.
    }
  };
  const gets = operations.filter((op) => op.method === 'GET' && !op.streaming);
  const withoutPath = gets.filter((op) => !op.parameters.some((p) => p.in === 'path' || p.required));
  const withPath = gets.filter((op) => op.parameters.some((p) => p.in === 'path') && !op.parameters.some((p) => p.in !== 'path' && p.required));
  for (const token of Object.values(tokens)) {
    for (const op of withoutPath) {
      const paged = op.parameters.some((p) => p.name === 'pageSize');
      await get(`${op.path}${paged ? '?pageSize=1' : ''}`, token);
      if (paged) await get(op.path, token);
    }
  }
  // Then the reads by id, with the first ids of each kind found so far.
  const values = (name) => [...(pools.get(name) ?? [])].sort();
  for (const token of Object.values(tokens)) {
    for (const op of withPath) {
      const segments = op.path.split('/');
      let ok = true;
      const path = op.path.replace(/\{([^}]+)\}/g, (_, name) => {
        const at = segments.findIndex((s) => s.includes(`{${name}}`));
        const previous = segments[at - 1] ?? '';
        const lower = name.toLowerCase().split('.').pop();
        const candidates = lower === 'id' ? values(singular(previous)) : [...values(lower), ...values(lower.replace(/id$/, ''))];
        if (!candidates.length) ok = false;
        return encodeURIComponent(candidates[0] ?? 'x');
      });
      if (ok) await get(path, token);
    }
  }
  const sortedPools = new Map([...pools].map(([name, set]) => [name, [...set].sort().slice(0, POOL_LIMIT)]));
  const idNames = [...sortedPools.keys()].filter((name) => name === 'id' || name.endsWith('id') || name.endsWith('ids'));
  const allIds = [...new Set(idNames.flatMap((name) => sortedPools.get(name)))].sort().slice(0, 200);
  return {
    pools: sortedPools,
    pageTokens: [...pageTokens].sort().slice(0, POOL_LIMIT),
    resourceNames: [...resources].sort((a, b) => b.length - a.length),
    allIds,
    etags,
  };
}
