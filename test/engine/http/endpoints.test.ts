import { describe, expect, it } from 'vitest';
import { EndpointPool, toEndpoint } from '../../../src/engine/http/endpoints.js';
import { stableHash } from '../../../src/util/hash.js';

const URLS = ['http://a:1/v1', 'http://b:2', 'http://c:3/'];

function pool(now = () => 1000) {
  return new EndpointPool(URLS, { busyInFlight: 2, downCooldownMs: 5000, now });
}

describe('toEndpoint', () => {
  it('accepts base URLs with or without /v1 and trailing slashes', () => {
    expect(toEndpoint('http://h:8000/v1/')).toMatchObject({ url: 'http://h:8000/v1', apiBase: 'http://h:8000/v1', origin: 'http://h:8000' });
    expect(toEndpoint('http://h:11434')).toMatchObject({ apiBase: 'http://h:11434/v1', origin: 'http://h:11434' });
    expect(toEndpoint('https://proxy/openai/v1')).toMatchObject({ apiBase: 'https://proxy/openai/v1', origin: 'https://proxy/openai' });
  });
});

describe('EndpointPool', () => {
  it('sends the same route key to the same endpoint every time, and spreads keys', () => {
    const p = pool();
    const chosen = new Set<string>();
    for (let i = 0; i < 50; i++) {
      const key = `src/file${i}.ts`;
      const first = p.pick(key);
      expect(p.pick(key)).toBe(first);
      expect(first).toBe(p.endpoints[stableHash(key) % 3]);
      chosen.add(first.url);
    }
    expect(chosen.size).toBe(3);
  });

  it('fails over to the least-loaded healthy endpoint when the preferred one is down', () => {
    const p = pool();
    const key = 'src/main.ts';
    const preferred = p.pick(key);
    p.markFailure(preferred);
    const others = p.endpoints.filter((e) => e !== preferred);
    others[0]!.inFlight = 3;
    expect(p.pick(key)).toBe(others[1]);
    p.markSuccess(preferred);
    expect(p.pick(key)).toBe(preferred);
  });

  it('treats a busy preferred endpoint like a down one, but keeps it if all are busier', () => {
    const p = pool();
    const key = 'lib/util.py';
    const preferred = p.pick(key);
    preferred.inFlight = 2;
    const moved = p.pick(key);
    expect(moved).not.toBe(preferred);
    for (const e of p.endpoints) e.inFlight = e === preferred ? 2 : 5;
    expect(p.pick(key)).toBe(preferred);
  });

  it('comes back to a failed endpoint after its cooldown', () => {
    let now = 1000;
    const p = pool(() => now);
    const key = 'a.go';
    const preferred = p.pick(key);
    p.markFailure(preferred);
    expect(p.pick(key)).not.toBe(preferred);
    now += 5001;
    expect(p.pick(key)).toBe(preferred);
  });

  it('skips endpoints already tried for this request, unless nothing else is left', () => {
    const p = pool();
    const tried = new Set(p.endpoints.slice(0, 2));
    expect(p.pick(undefined, tried)).toBe(p.endpoints[2]);
    const all = new Set(p.endpoints);
    expect(all.has(p.pick(undefined, all))).toBe(true);
  });
});
