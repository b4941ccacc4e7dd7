/** The predefined ACLs of section 7.4, compiled once from their textual definitions. */
import { AclTable, compileAcl } from './acl.js';
import { Diagnostics } from '../core/diag.js';

const DEFINITIONS: [string, string[]][] = [
  ['FALSE', ['always_false']],
  ['TRUE', ['always_true']],
  ['HTTP', ['req.proto_http']],
  ['HTTP_1.0', ['req.ver', '1.0']],
  ['HTTP_1.1', ['req.ver', '1.1']],
  ['HTTP_2.0', ['req.ver', '2.0']],
  ['HTTP_CONTENT', ['req.hdr_val(content-length)', 'gt', '0']],
  ['HTTP_URL_ABS', ['url_reg', '^[^/:]*://']],
  ['HTTP_URL_SLASH', ['url_beg', '/']],
  ['HTTP_URL_STAR', ['url', '*']],
  ['LOCALHOST', ['src', '127.0.0.1/8', '::1']],
  ['METH_CONNECT', ['method', 'CONNECT']],
  ['METH_DELETE', ['method', 'DELETE']],
  ['METH_GET', ['method', 'GET', 'HEAD']],
  ['METH_HEAD', ['method', 'HEAD']],
  ['METH_OPTIONS', ['method', 'OPTIONS']],
  ['METH_POST', ['method', 'POST']],
  ['METH_PUT', ['method', 'PUT']],
  ['METH_TRACE', ['method', 'TRACE']],
  ['REQ_CONTENT', ['req.len', 'gt', '0']],
  ['WAIT_END', ['wait_end']],
];

let table: AclTable | undefined;

/** The table of predefined ACLs; conditions look here after the proxy's own table. */
export function predefinedAcls(): AclTable {
  if (!table) {
    table = new AclTable();
    const diags = new Diagnostics();
    for (const [name, words] of DEFINITIONS) compileAcl([name, ...words], { file: '<predefined>', line: 0 }, table, diags);
    if (diags.alerts) throw new Error(`predefined ACLs do not compile: ${diags.list.map((d) => d.message).join('; ')}`);
  }
  return table;
}
