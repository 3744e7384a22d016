# Sluice: one image for every role of a distributed deployment (scheduler, worker, web, init).
# Node 24 runs the TypeScript sources directly (type stripping), so there is no build stage.
#   docker build -t sluice .
#   docker run --rm sluice --help
FROM node:24-slim

ENV NODE_ENV=production \
    SLUICE_HOME=/data \
    SLUICE_PROJECT_DIR=/app \
    SLUICE_WEB_HOST=0.0.0.0 \
    SLUICE_WEB_PORT=8080

WORKDIR /app

# Dependencies first, so code changes do not reinstall them. Runtime packages only: everything the CLI
# imports at run time must be a dependency, not a devDependency.
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

COPY . .

# A non-root user owns only the data directory (DuckDB file, local bucket, PGlite when no Postgres URL).
RUN mkdir -p /data/bucket && chown -R node:node /data
USER node
VOLUME ["/data"]
EXPOSE 8080

# The image's default role is the web server, so the default health check is its /healthz endpoint;
# docker-compose.yml gives the worker its own check (`sluice worker --health`).
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.SLUICE_WEB_PORT||8080)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]

ENTRYPOINT ["node", "src/cli/main.ts"]
CMD ["web"]
