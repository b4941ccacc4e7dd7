/** Every action portico runs, by name; the others draw a "not supported by portico yet" warning. */
import { delHeader, replaceHeader, setOrAddHeader } from './header-actions.js';
import { normalizeUri, replaceUriPart, setUriPart } from './uri-actions.js';
import { allow, auth, deny, redirect, reject, returnAction } from './final-actions.js';
import { setVar, unsetVar } from './var-actions.js';
import { capture, setLogLevel, setStatus, strictMode, useService, waitForBody } from './misc-actions.js';
import { stickAction } from './stick-actions.js';
import type { ActionDef } from './registry.js';
import type { RuleSet } from '../types.js';

const REQ: readonly RuleSet[] = ['http-request'];
const RES: readonly RuleSet[] = ['http-response'];
const REQ_RES: readonly RuleSet[] = ['http-request', 'http-response'];
const ALL: readonly RuleSet[] = ['http-request', 'http-response', 'http-after-response'];
const RES_AFTER: readonly RuleSet[] = ['http-response', 'http-after-response'];

export const ACTIONS: Readonly<Record<string, ActionDef>> = {
  allow: { sets: ALL, compile: allow },
  deny: { sets: REQ_RES, compile: deny('deny') },
  tarpit: { sets: REQ, compile: deny('tarpit') },
  reject: { sets: REQ, compile: reject },
  // Without kernel tricks, dropping silently is closing without a response, like reject.
  'silent-drop': { sets: REQ_RES, compile: reject },
  return: { sets: REQ_RES, compile: returnAction },
  auth: { sets: REQ, compile: auth },
  redirect: { sets: REQ_RES, compile: redirect },
  'set-header': { sets: ALL, compile: setOrAddHeader(false) },
  'add-header': { sets: ALL, compile: setOrAddHeader(true) },
  'del-header': { sets: ALL, compile: delHeader },
  'replace-header': { sets: ALL, compile: replaceHeader(false) },
  'replace-value': { sets: ALL, compile: replaceHeader(true) },
  'set-path': { sets: REQ, compile: setUriPart('set-path') },
  'set-pathq': { sets: REQ, compile: setUriPart('set-pathq') },
  'set-query': { sets: REQ, compile: setUriPart('set-query') },
  'set-uri': { sets: REQ, compile: setUriPart('set-uri') },
  'set-method': { sets: REQ, compile: setUriPart('set-method') },
  'replace-path': { sets: REQ, compile: replaceUriPart('path') },
  'replace-pathq': { sets: REQ, compile: replaceUriPart('pathq') },
  'replace-uri': { sets: REQ, compile: replaceUriPart('uri') },
  'normalize-uri': { sets: REQ, compile: normalizeUri },
  'set-var': { sets: ALL, compile: setVar(false) },
  'set-var-fmt': { sets: ALL, compile: setVar(true) },
  'unset-var': { sets: ALL, compile: unsetVar },
  'set-log-level': { sets: REQ_RES, compile: setLogLevel },
  capture: { sets: ALL, compile: capture },
  'wait-for-body': { sets: REQ_RES, compile: waitForBody },
  'use-service': { sets: REQ, compile: useService },
  'set-status': { sets: RES_AFTER, compile: setStatus },
  'strict-mode': { sets: ALL, compile: strictMode },
  'track-sc0': { sets: REQ_RES, compile: stickAction },
  'track-sc1': { sets: REQ_RES, compile: stickAction },
  'track-sc2': { sets: REQ_RES, compile: stickAction },
  'sc-inc-gpc': { sets: REQ_RES, compile: stickAction },
  'sc-inc-gpc0': { sets: REQ_RES, compile: stickAction },
  'sc-inc-gpc1': { sets: REQ_RES, compile: stickAction },
  'sc-set-gpt': { sets: REQ_RES, compile: stickAction },
  'sc-set-gpt0': { sets: REQ_RES, compile: stickAction },
};
