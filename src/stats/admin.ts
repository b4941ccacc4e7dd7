/**
 * The stats page's admin mode: the actions offered for checked servers, the
 * POST body they send, and the result codes shown back through `;st=`.
 * The engine applies the actions; this module only describes them.
 */

export type AdminActionName =
  | 'ready' | 'drain' | 'maint' | 'dhlth' | 'ehlth' | 'hrunn' | 'hnolb' | 'hdown'
  | 'dagent' | 'eagent' | 'arunn' | 'adown' | 'shutdown';

/** What an action changes on a server, so the engine can apply it without string matching. */
export type AdminEffect =
  | { kind: 'state'; state: 'ready' | 'drain' | 'maint' }
  | { kind: 'health'; op: 'disable' | 'enable' | 'up' | 'stopping' | 'down' }
  | { kind: 'agent'; op: 'disable' | 'enable' | 'up' | 'down' }
  | { kind: 'shutdown' };

export interface AdminAction {
  name: AdminActionName;
  /** Label of the option in the page's select. */
  label: string;
  effect: AdminEffect;
  /** The equivalent Runtime API command for one server. */
  cli: (backend: string, server: string) => string;
}

const srv = (b: string, s: string) => `${b}/${s}`;

export const ADMIN_ACTIONS: readonly AdminAction[] = [
  { name: 'ready', label: 'Set state to READY', effect: { kind: 'state', state: 'ready' }, cli: (b, s) => `set server ${srv(b, s)} state ready` },
  { name: 'drain', label: 'Set state to DRAIN', effect: { kind: 'state', state: 'drain' }, cli: (b, s) => `set server ${srv(b, s)} state drain` },
  { name: 'maint', label: 'Set state to MAINT', effect: { kind: 'state', state: 'maint' }, cli: (b, s) => `set server ${srv(b, s)} state maint` },
  { name: 'dhlth', label: 'Health: disable checks', effect: { kind: 'health', op: 'disable' }, cli: (b, s) => `disable health ${srv(b, s)}` },
  { name: 'ehlth', label: 'Health: enable checks', effect: { kind: 'health', op: 'enable' }, cli: (b, s) => `enable health ${srv(b, s)}` },
  { name: 'hrunn', label: 'Health: force UP', effect: { kind: 'health', op: 'up' }, cli: (b, s) => `set server ${srv(b, s)} health up` },
  { name: 'hnolb', label: 'Health: force NOLB', effect: { kind: 'health', op: 'stopping' }, cli: (b, s) => `set server ${srv(b, s)} health stopping` },
  { name: 'hdown', label: 'Health: force DOWN', effect: { kind: 'health', op: 'down' }, cli: (b, s) => `set server ${srv(b, s)} health down` },
  { name: 'dagent', label: 'Agent: disable checks', effect: { kind: 'agent', op: 'disable' }, cli: (b, s) => `disable agent ${srv(b, s)}` },
  { name: 'eagent', label: 'Agent: enable checks', effect: { kind: 'agent', op: 'enable' }, cli: (b, s) => `enable agent ${srv(b, s)}` },
  { name: 'arunn', label: 'Agent: force UP', effect: { kind: 'agent', op: 'up' }, cli: (b, s) => `set server ${srv(b, s)} agent up` },
  { name: 'adown', label: 'Agent: force DOWN', effect: { kind: 'agent', op: 'down' }, cli: (b, s) => `set server ${srv(b, s)} agent down` },
  { name: 'shutdown', label: 'Kill Sessions', effect: { kind: 'shutdown' }, cli: (b, s) => `shutdown sessions server ${srv(b, s)}` },
];

export function adminAction(name: string): AdminAction | undefined {
  return ADMIN_ACTIONS.find((a) => a.name === name);
}

export interface AdminPost {
  /** The `b` field: a backend name, or "#<id>" as the page sends it. */
  backend: string;
  /** The numeric id when `backend` is "#<id>". */
  backendId?: number;
  servers: string[];
  /** The action name as posted (check it with adminAction()). */
  action: string;
}

/**
 * Parses the form body the page posts (application/x-www-form-urlencoded):
 * `s=<server>` repeated, `action=<name>`, `b=<backend or #id>`. Returns
 * undefined when the backend or the action is missing (result ERRP).
 */
export function parseAdminPost(body: string): AdminPost | undefined {
  const params = new URLSearchParams(body);
  const backend = params.get('b') ?? '';
  const action = params.get('action') ?? '';
  if (!backend || !action) return undefined;
  const servers = params.getAll('s').filter((s) => s !== '');
  const post: AdminPost = { backend, servers, action };
  const m = /^#(\d+)$/.exec(backend);
  if (m) post.backendId = Number(m[1]);
  return post;
}

/** Result codes the page shows after an admin POST (`;st=CODE`). */
export type AdminStatus = 'DONE' | 'NONE' | 'PART' | 'ERRP' | 'EXCD' | 'DENY' | 'UNKN';

/** Banner text and colour class for each result. */
export const ADMIN_STATUS: Record<AdminStatus, { cls: string; text: string; details?: string[] }> = {
  DONE: { cls: 'active_up', text: 'Action processed successfully.' },
  NONE: { cls: 'active_going_down', text: 'Nothing has changed.' },
  PART: {
    cls: 'active_going_down',
    text: 'Action partially processed.',
    details: ['Some server names are unknown or ambiguous in this backend.'],
  },
  ERRP: {
    cls: 'active_down',
    text: 'Action not processed because of invalid parameters.',
    details: [
      'The action may be unknown.',
      'The backend name may be unknown or ambiguous.',
      'Some server names may be unknown or ambiguous.',
    ],
  },
  EXCD: { cls: 'active_down', text: 'Action not processed: too much data. Retry with fewer servers at a time.' },
  DENY: { cls: 'active_down', text: 'Action denied.' },
  UNKN: { cls: 'active_no_check', text: 'Unexpected result.' },
};

export function adminStatus(st: string | undefined): AdminStatus | undefined {
  if (!st) return undefined;
  return st in ADMIN_STATUS ? (st as AdminStatus) : 'UNKN';
}

/**
 * The result of applying an action to the posted servers: DONE when at least
 * one changed and none was unknown, PART when some were unknown, NONE when
 * nothing changed.
 */
export function adminResult(r: { changed: number; unknown: number }): AdminStatus {
  if (r.unknown > 0) return r.changed > 0 ? 'PART' : 'ERRP';
  return r.changed > 0 ? 'DONE' : 'NONE';
}

/** Where the 303 after a POST points: the stats URI with `;st=CODE`. */
export function adminRedirect(uri: string, st: AdminStatus): string {
  return `${uri};st=${st}`;
}
