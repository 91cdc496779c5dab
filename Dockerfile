# tickstream: a Kapacitor-compatible stream server (kapacitord + the kapacitor CLI) on Node 20.
#   docker build -t tickstream:0.1.0 .
#   docker run -p 9092:9092 -v tickstream-data:/var/lib/kapacitor tickstream:0.1.0

# Build stage: full install (compilers for better-sqlite3's native addon when no prebuilt binary fits,
# peggy for the grammar), the TypeScript compiled to dist/ (scripts/build.mjs), then the dev dependencies dropped.
FROM node:20-slim AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /opt/tickstream
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN test -f tickscript/grammar/parser.generated.js || npm run build:grammar
RUN npm run build
RUN npm prune --omit=dev --no-audit --no-fund

# Run stage: the compiled JavaScript only (no TypeScript sources, no compilation at start): dist/, the bin/
# launchers, the runtime dependencies. TICKSTREAM_FROM_DIST=1 tells bin/launch.mjs not to look for sources.
FROM node:20-slim
ENV NODE_ENV=production \
    TICKSTREAM_FROM_DIST=1 \
    KAPACITOR_DATA_DIR=/var/lib/kapacitor \
    KAPACITOR_HTTP_BIND_ADDRESS=:9092
WORKDIR /opt/tickstream
COPY --from=build /opt/tickstream/package.json /opt/tickstream/package.json
COPY --from=build /opt/tickstream/node_modules /opt/tickstream/node_modules
COPY --from=build /opt/tickstream/bin /opt/tickstream/bin
COPY --from=build /opt/tickstream/dist /opt/tickstream/dist
# `kapacitor`, `kapacitord` and `tickfmt` on the PATH, as in Kapacitor's image.
RUN ln -s /opt/tickstream/bin/kapacitord.mjs /usr/local/bin/kapacitord \
 && ln -s /opt/tickstream/bin/kapacitor.mjs /usr/local/bin/kapacitor \
 && ln -s /opt/tickstream/bin/tickfmt.mjs /usr/local/bin/tickfmt \
 && mkdir -p /var/lib/kapacitor \
 && chown node:node /var/lib/kapacitor
USER node
VOLUME /var/lib/kapacitor
EXPOSE 9092
# Slim Node images have no curl: probe with Node's own fetch.
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:9092/livez').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["node", "/opt/tickstream/bin/kapacitord.mjs"]
