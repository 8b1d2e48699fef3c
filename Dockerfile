# syntax=docker/dockerfile:1
# One image, two processes. The default command runs the API; the worker is the same image with
#   command: ["node", "--import", "tsx", "worker/main.ts"]
# TypeScript runs through tsx (a runtime dependency), so there is no separate compile step to drift from the source.

# --- dependencies: resolved in their own stage so npm's cache never reaches the runtime image ---
FROM node:22-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

# --- runtime ---
FROM node:22-bookworm-slim AS runtime
ENV NODE_ENV=production \
    DATA_DIR=/app/data
WORKDIR /app
# Source stays owned by root, so the process (running as `node`) cannot rewrite its own code.
COPY --from=deps /app/node_modules ./node_modules
COPY . .
# DATA_DIR is the only place the app writes (e.g. a generated admin key when ADMIN_API_KEY is unset).
RUN mkdir -p /app/data && chown node:node /app/data
USER node

EXPOSE 3000
# The slim image has no curl; Node's global fetch is enough. Only meaningful for the API:
# docker-compose.yml disables it for the worker, which serves no HTTP.
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]

CMD ["node", "--import", "tsx", "api/main.ts"]
