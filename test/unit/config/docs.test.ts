/** docs/configuration.md is generated from the keyword registry: it must match what the code says now. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderConfigurationDoc } from '../../../src/tools/gen-docs.js';
import { allKeywords } from '../../../src/config/keywords.js';
import { HAPROXY_PROXY_KEYWORDS } from '../../../src/config/haproxy-keywords.js';

const doc = renderConfigurationDoc();

describe('docs/configuration.md', () => {
  it('is up to date with the registry (regenerate with npm run docs)', () => {
    expect(readFileSync(join(import.meta.dirname, '../../../docs/configuration.md'), 'utf8')).toBe(doc);
  });

  it('has a row for every registered keyword and every HAProxy proxy keyword', () => {
    for (const kw of allKeywords()) expect(doc, kw.name).toContain(`| \`${kw.name}\``);
    for (const kw of HAPROXY_PROXY_KEYWORDS) expect(doc, kw.name).toContain(`| \`${kw.name}\``);
  });

  it('says what is partial, not yet, legacy and removed', () => {
    expect(doc).toMatch(/\| `bind` \| fl \| partial: /);
    expect(doc).toMatch(/\| `contimeout` \(not in 2\.6\) \| dlb \| legacy/);
    expect(doc).toMatch(/\| `reqadd` \(not in 2\.6\) \| dflb \| removed/);
    expect(doc).toMatch(/\| `51degrees-data-file` \| not yet \|/);
    expect(doc).toMatch(/\| `cpu-map` \| accepted without effect/);
  });
});
