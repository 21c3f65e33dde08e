/**
 * PostgreSQL connections the compose topology may open at most, from the compose file's own
 * settings: Temporal's four services in one process, each with a pool on its database and one
 * on visibility, and every app process's decision-store pool at the scale compose documents.
 */
import type { Compose } from './compose';

/** The scale docker-compose.yml sizes PostgreSQL for (its comment on the postgresql service). */
export const DOCUMENTED_SCALE = { workers: 3, apis: 2 };
const TEMPORAL_SERVICES = 4;
const RESERVED = 3; // PostgreSQL's superuser_reserved_connections

export function connectionBudget(compose: Compose) {
  const temporal = compose.service('temporal').environment;
  const app = compose.service('worker').environment;
  const perService = Number(temporal.SQL_MAX_CONNS ?? 20) + Number(temporal.SQL_VIS_MAX_CONNS ?? 10);
  const perApp = Number(app.DATABASE_POOL_MAX ?? 10);
  const processes = DOCUMENTED_SCALE.workers + DOCUMENTED_SCALE.apis;
  const total = TEMPORAL_SERVICES * perService + processes * perApp;
  return {
    total,
    withReserved: total + RESERVED,
    explain: `Temporal ${TEMPORAL_SERVICES} × ${perService}, app ${processes} × ${perApp}`,
  };
}
