# Multi-stage build for the demo apps (provider and consumer share one image).
# Build:  docker build -t nestrpc-demo .
# Run:    docker run --rm -e APP=provider -e ETCD_ENDPOINTS=http://etcd:2379 nestrpc-demo

FROM node:20.20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY libs ./libs
COPY apps ./apps
RUN npx tsc -p tsconfig.build.json

FROM node:20.20-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY tsconfig.json ./
COPY --from=build /app/dist ./dist
# Path aliases (@nestrpc/*) resolve against the compiled tree.
ENV TS_NODE_BASEURL=/app/dist TS_NODE_PROJECT=/app/tsconfig.json
ENV APP=consumer HTTP_HOST=0.0.0.0 HTTP_PORT=3000 RPC_HOST=0.0.0.0
USER node
EXPOSE 3000 7100
HEALTHCHECK --interval=5s --timeout=3s --start-period=15s --retries=5 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.HTTP_PORT||3000)+(process.env.APP==='provider'?'/health':'/instances')).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["sh", "-c", "exec node -r tsconfig-paths/register dist/apps/${APP}/src/main.js"]
