# syntax=docker/dockerfile:1
# Build on the current Node.js LTS; the app itself runs on Node.js >= 20.19.

FROM node:24-bookworm-slim AS build
WORKDIR /app
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json .puppeteerrc.cjs ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY adapters ./adapters
RUN npx tsc -p tsconfig.build.json && npm prune --omit=dev

FROM node:24-bookworm-slim AS runtime
ENV NODE_ENV=production DATA_DIR=/data PORT=3000
WORKDIR /app
RUN groupadd --system injab && useradd --system --gid injab --home /app injab \
  && mkdir -p /data && chown injab:injab /data
COPY --from=build --chown=injab:injab /app/node_modules ./node_modules
COPY --from=build --chown=injab:injab /app/dist ./dist
COPY --chown=injab:injab package.json ./
COPY --chown=injab:injab flows ./flows
COPY --chown=injab:injab locales ./locales
COPY --chown=injab:injab src/web/public ./src/web/public
USER injab
EXPOSE 3000
VOLUME ["/data"]
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node", "dist/src/main.js"]
