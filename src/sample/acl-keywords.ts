/**
 * ACL keywords: each is a fetch plus a default match method (`path_beg` = `path` with `beg`).
 * Plain fetch names are ACL keywords too, matched by their output type's default method.
 */
import { Registry } from '../core/registry.js';
import type { MatchMethod } from './pattern.js';

export interface AclKeyword {
  name: string;
  fetch: string;
  method: MatchMethod;
  /** Integers may be written "major.minor" (req.ssl_ver 3:3.1). */
  dotted?: boolean;
  /** Patterns are group names checked against the authenticated user (http_auth_group). */
  authGroup?: boolean;
}

export const aclKeywords = new Registry<AclKeyword>('ACL keyword');

const add = (name: string, fetch: string, method: MatchMethod, extra: Partial<AclKeyword> = {}) =>
  aclKeywords.add(name, { name, fetch, method, ...extra });

const STRING_SUFFIXES: MatchMethod[] = ['beg', 'dir', 'dom', 'end', 'len', 'reg', 'sub'];

/** `<prefix>`, `<prefix>_beg`, ... `<prefix>_sub` on `fetch`. */
function family(prefix: string, fetch: string): void {
  add(prefix, fetch, 'str');
  for (const m of STRING_SUFFIXES) add(`${prefix}_${m}`, fetch, m);
}

family('path', 'path');
family('url', 'url');
family('base', 'base');
family('urlp', 'urlp');
family('url_param', 'url_param');
// In ACLs, hdr() and its derivatives are about the request, whatever the rule.
family('hdr', 'req.hdr');
family('req.hdr', 'req.hdr');
family('req.fhdr', 'req.fhdr');
family('res.hdr', 'res.hdr');
family('shdr', 'res.hdr');
family('cook', 'req.cook');
family('req.cook', 'req.cook');
family('res.cook', 'res.cook');
family('scook', 'res.cook');
family('ssl_fc_sni', 'ssl_fc_sni');
family('req.ssl_sni', 'req.ssl_sni');
family('req_ssl_sni', 'req.ssl_sni');
add('hdr_cnt', 'req.hdr_cnt', 'int');
add('hdr_ip', 'req.hdr_ip', 'ip');
add('hdr_val', 'req.hdr_val', 'int');
add('cook_cnt', 'req.cook_cnt', 'int');
add('cook_val', 'req.cook_val', 'int');
add('shdr_cnt', 'res.hdr_cnt', 'int');
add('shdr_ip', 'res.hdr_ip', 'ip');
add('shdr_val', 'res.hdr_val', 'int');
add('req.ssl_ver', 'req.ssl_ver', 'int', { dotted: true });
add('req_ssl_ver', 'req.ssl_ver', 'int', { dotted: true });
add('http_auth_group', 'http_auth_group', 'str', { authGroup: true });
