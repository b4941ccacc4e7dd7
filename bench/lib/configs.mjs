// Configuration texts. The proxies (HAProxy and portico) get exactly the same
// text; only the bind port differs.

/** ~100-byte body served by the small-response origin (letters and spaces only: safe inside "..."). */
export const SMALL_BODY =
  'portico benchmark origin reply padded with letters to reach about one hundred bytes of payload ok';

export const LARGE_BYTES = 1024 * 1024;

export function smallOriginConfig(port) {
  return `global
    nbthread 1
    maxconn 4096

defaults
    mode http
    timeout connect 5s
    timeout client 30s
    timeout server 30s

frontend origin
    bind 127.0.0.1:${port}
    http-request return status 200 content-type text/plain string "${SMALL_BODY}"
`;
}

/** HAProxy can serve 1 MiB from `http-request return ... file` if the buffer holds it. */
export function largeOriginHaproxyConfig(port, file) {
  return `global
    nbthread 1
    maxconn 4096
    tune.bufsize ${LARGE_BYTES + 65536}

defaults
    mode http
    timeout connect 5s
    timeout client 30s
    timeout server 30s

frontend origin_large
    bind 127.0.0.1:${port}
    http-request return status 200 content-type application/octet-stream file ${file}
`;
}

/**
 * The proxy config shared by HAProxy and portico. mode: 'http' | 'tcp'. threads > 1 adds
 * `master-worker` and `nbthread N` (HAProxy: N threads; portico: a master and N worker processes).
 * crt: a PEM file; the bind then terminates TLS (`ssl crt FILE`).
 */
export function proxyConfig({ mode, port, originPort, threads = 1, crt }) {
  const httpOnly = mode === 'http' ? '    option http-keep-alive\n    timeout http-keep-alive 30s\n' : '';
  const mw = threads > 1 ? '    master-worker\n' : '';
  return `global
${mw}    nbthread ${threads}
    maxconn 4096

defaults
    mode ${mode}
${httpOnly}    timeout connect 5s
    timeout client 30s
    timeout server 30s

frontend fe_bench
    bind 127.0.0.1:${port}${crt ? ` ssl crt ${crt}` : ''}
    default_backend be_origin

backend be_origin
    server origin 127.0.0.1:${originPort}
`;
}
