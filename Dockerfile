# syntax=docker/dockerfile:1
#
# The K1 workers (scripts/workers.ts, the default command) and the GitHub webhook
# (scripts/webhook.ts): one image, two commands. Each runs as the container's own process
# (node, not npm: npm does not pass SIGTERM on), so `docker stop` drains the workers: they stop
# polling and let running tasks finish and report before they exit. deploy/docker-compose.yml builds it and runs both;
# docs/deployment.md explains the environment variables.
#
#   docker build -t k1-workflows:local .
#   docker run --init --env-file worker.env -v /srv/K1.node1:/srv/K1.node1 -p 9464:9464 k1-workflows:local
#   docker run --init --env-file webhook.env -p 3001:3000 k1-workflows:local node --import tsx scripts/webhook.ts
FROM node:20-bookworm-slim

# PlatformIO Core builds and uploads the firmware; git checks commits out in the K1.node1 project.
# The checkout is bind-mounted and owned by someone else, so git is told it is safe. The
# directories the named volumes go on are owned by `node`, so those volumes start out writable.
ARG PLATFORMIO_VERSION=6.2.0
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates git python3 python3-venv \
 && rm -rf /var/lib/apt/lists/* \
 && python3 -m venv /opt/platformio \
 && /opt/platformio/bin/pip install --no-cache-dir "platformio==${PLATFORMIO_VERSION}" \
 && ln -s /opt/platformio/bin/pio /usr/local/bin/pio \
 && ln -s /opt/platformio/bin/platformio /usr/local/bin/platformio \
 && git config --system --add safe.directory '*' \
 && mkdir -p /var/lib/k1/artifacts /var/lib/platformio /var/tmp/k1-workers \
 && chown node:node /var/lib/k1/artifacts /var/lib/platformio /var/tmp/k1-workers

# Defaults for a container; compose sets them again, and PROJECT_DIR and CONDUCTOR_SERVER_URL.
ENV NODE_ENV=production \
    PLATFORMIO_CORE_DIR=/var/lib/platformio \
    HEALTH_HOST=0.0.0.0 \
    HEALTH_PORT=9464 \
    ARTIFACT_DIR=/var/lib/k1/artifacts \
    SCRATCH_DIR=/var/tmp/k1-workers

WORKDIR /app
COPY package.json package-lock.json ./
# The TypeScript runs through tsx, a runtime dependency: no build step, no dev dependencies.
RUN npm ci --omit=dev && npm cache clean --force
COPY . .

USER node
# /health, /status and /metrics of the workers; the webhook listens on WEBHOOK_PORT (3000)
EXPOSE 9464 3000
CMD ["node", "--import", "tsx", "scripts/workers.ts"]
