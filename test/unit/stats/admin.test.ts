import { describe, expect, it } from 'vitest';
import { adminAction, adminRedirect, adminResult, parseAdminPost } from '../../../src/stats/admin.js';
import { parseStatsRequest } from '../../../src/stats/request.js';

describe('admin form', () => {
  it('parses the posted servers, action and backend id', () => {
    expect(parseAdminPost('s=s1&s=s%202&action=maint&b=%234')).toEqual({ backend: '#4', backendId: 4, servers: ['s1', 's 2'], action: 'maint' });
    expect(parseAdminPost('s=a&action=drain&b=app')).toEqual({ backend: 'app', servers: ['a'], action: 'drain' });
    expect(parseAdminPost('s=a&b=app')).toBeUndefined();
    expect(parseAdminPost('s=a&action=ready')).toBeUndefined();
  });

  it('maps actions to effects and Runtime API commands', () => {
    expect(adminAction('hnolb')?.effect).toEqual({ kind: 'health', op: 'stopping' });
    expect(adminAction('maint')?.cli('be', 's1')).toBe('set server be/s1 state maint');
    expect(adminAction('shutdown')?.cli('be', 's1')).toBe('shutdown sessions server be/s1');
    expect(adminAction('bogus')).toBeUndefined();
  });

  it('computes the result code and the redirect', () => {
    expect(adminResult({ changed: 2, unknown: 0 })).toBe('DONE');
    expect(adminResult({ changed: 0, unknown: 0 })).toBe('NONE');
    expect(adminResult({ changed: 1, unknown: 1 })).toBe('PART');
    expect(adminResult({ changed: 0, unknown: 2 })).toBe('ERRP');
    expect(adminRedirect('/haproxy?stats', 'DONE')).toBe('/haproxy?stats;st=DONE');
  });
});

describe('stats requests', () => {
  it('reads the suffix options', () => {
    expect(parseStatsRequest('/haproxy?stats', '/haproxy?stats;csv;norefresh')).toEqual({ format: 'csv', norefresh: true, upOnly: false });
    expect(parseStatsRequest('/haproxy?stats', '/haproxy?stats;up;st=DONE')).toEqual({ format: 'html', norefresh: false, upOnly: true, status: 'DONE' });
    expect(parseStatsRequest('/haproxy?stats', '/haproxy?stats=&scope=be+app')?.scope).toBe('be app');
    expect(parseStatsRequest('/haproxy?stats', '/haproxy?stats;json-schema')?.format).toBe('json-schema');
    expect(parseStatsRequest('/haproxy?stats', '/other')).toBeUndefined();
  });
});
