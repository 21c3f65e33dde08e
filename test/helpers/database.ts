/** A PostgreSQL database of one's own, on the tests' server, so that nothing another test wrote shows. */
import type pg from 'pg';

export { freshDatabase, type OwnDatabase } from '../../system/fresh-database';

/** A run's events in the outbox, in sequence order, as `<sequence> <type>`. */
export async function outboxEventsOf(db: Pick<pg.Pool, 'query'>, workflowId: string): Promise<string[]> {
  const { rows } = await db.query<{ type: string; sequence: number }>(
    'SELECT type, sequence FROM outbound_events WHERE workflow_id = $1 ORDER BY sequence',
    [workflowId],
  );
  return rows.map((row) => `${row.sequence} ${row.type}`);
}
