/**
 * The sample/ACL engine: fetches, converters, match methods, ACLs and conditions.
 *
 * Parser:  const acls = new AclTable(); compileAcl(words, {file, line}, acls, diags, baseDir, {maps, refs});
 *          const cond = compileCondition(['if', 'url_ms1'], {acls, usage: 'http-req', file, line, diags, rule: 'use_backend'});
 *          const expr = compileExpr('req.hdr(host),lower,map(hosts.map,be_default)', 'http-req', {file, line}, diags, {baseDir, maps});
 * Engine:  const ctx = createSampleContext({conn, req, frontend, backend, proxies, userlists});
 *          evalCondition(cond, ctx); sampleToString(evalExpr(expr, ctx));
 */
export type { Sample, SampleType, Usage, Capability, Where } from './types.js';
export { usageProvides, isResponseUsage, usageText } from './types.js';
export type { Ip, Network } from './ip.js';
export { parseIp, formatIp, parseNetwork, networkContains } from './ip.js';
export type { SampleContext, SampleContextInit, ConnectionInfo, ProxyLookup, ProxyRef, VarStore, VarScope } from './context.js';
export { createSampleContext, Vars, VAR_SCOPES } from './context.js';
export { TxnCache } from './txn-cache.js';
export { Userlist } from './userlist.js';
export { crypt, verifyCrypt, isSupportedCrypt } from './crypt.js';
export { parseVarName, type VarRef } from './vars.js';
export { castTo, sampleToString, toStr, toInt, toBool } from './cast.js';
export { fetches, converters, type FetchDef, type ConvDef, type ConfigRefs, type CompileEnv } from './keywords.js';
export { compileExpr, buildExpr, evalExpr, exprValidIn, type SampleExpr, type ExprOptions } from './expr.js';
export { MapCache } from './mapfile.js';
export { PatternSet, MATCH_METHODS, type MatchMethod } from './pattern.js';
export { aclKeywords, type AclKeyword } from './acl-keywords.js';
export { AclTable, compileAcl, evalAcl, type Acl, type AclTerm, type AclOptions } from './acl.js';
export { compileCondition, evalCondition, type Condition, type ConditionOptions } from './condition.js';
export { predefinedAcls } from './predefined.js';
export { tlsSni, tlsVersion, tlsHelloType, buildClientHello } from './tls-hello.js';
