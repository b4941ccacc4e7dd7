# portico container image, laid out like the official haproxy image:
#   config at /usr/local/etc/haproxy/haproxy.cfg, runs "-W -db" (master-worker, foreground),
#   STOPSIGNAL SIGUSR1 (soft stop), non-root user, logs on stdout/stderr.
# Reload: docker kill -s HUP <container>   (or SIGUSR2)

# --- build: compile TypeScript with the dev dependencies
FROM node:20-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json ./
COPY src ./src
RUN npx tsc -p tsconfig.json

# --- runtime dependencies only
FROM node:20-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --omit=optional --ignore-scripts --no-audit --no-fund

# --- final image
FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /usr/local/lib/portico
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /src/dist ./dist
COPY package.json ./
COPY deploy/haproxy.cfg /usr/local/etc/haproxy/haproxy.cfg
RUN ln -s /usr/local/lib/portico/dist/cli.js /usr/local/bin/portico \
 && chmod 755 /usr/local/lib/portico/dist/cli.js \
 && groupadd --system --gid 99 haproxy \
 && useradd --system --uid 99 --gid haproxy --home-dir /var/lib/haproxy --create-home haproxy \
 && mkdir -p /run/haproxy && chown haproxy:haproxy /run/haproxy
USER haproxy
EXPOSE 8080
STOPSIGNAL SIGUSR1
ENTRYPOINT ["node", "/usr/local/lib/portico/dist/cli.js"]
CMD ["-W", "-db", "-f", "/usr/local/etc/haproxy/haproxy.cfg"]
