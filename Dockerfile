# syntax=docker/dockerfile:1
# One image for the worker, the API, the migration step and the sandbox emulator; the
# compose file picks the command. Build: docker build -t kyc-onboarding .

FROM node:24.21.0-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm install --no-audit --no-fund --no-save
COPY tsconfig.json tsconfig.build.json ./
COPY workflows ./workflows
COPY activities ./activities
COPY worker ./worker
COPY client ./client
COPY api ./api
COPY complycube ./complycube
COPY complycube-emulator ./complycube-emulator
COPY store ./store
COPY config ./config
COPY observability ./observability
COPY security ./security
COPY system ./system
COPY webhooks ./webhooks
COPY console ./console
# Compiles to dist/, prebundles the workflow code (dist/workflow-bundle.js) and builds the review
# console (console/dist/, served by the API at /console).
RUN npm run build

FROM node:24.21.0-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm install --omit=dev --no-audit --no-fund --no-save && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY --from=build /app/console/dist ./console/dist
# Where the worker writes signed ledger checkpoints (a volume in docker-compose.yml); a new named
# volume takes this directory's owner, so the node user can write it.
RUN mkdir -p /var/lib/kyc/ledger-checkpoints && chown -R node:node /var/lib/kyc
USER node
EXPOSE 3000
CMD ["node", "dist/worker/main.js"]
