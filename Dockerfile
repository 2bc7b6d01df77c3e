# One image for every part; the compose service picks the part with its command. Node 24 LTS.
# The image runs the compiled JavaScript (npm run build): loading tsx cost about a fifth of the
# rule engine's throughput in our measurements (BENCHMARKS.md), which development can afford and
# production should not.
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY contracts ./contracts
COPY platform ./platform
COPY ingest ./ingest
COPY processor ./processor
COPY dashboard ./dashboard
COPY simulators ./simulators
COPY standalone ./standalone
RUN npm run build

FROM node:24-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund

FROM node:24-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
RUN mkdir -p /app/.data && chown node:node /app/.data
USER node
EXPOSE 8080 8081 8082
CMD ["node", "dist/standalone/src/main.js"]
