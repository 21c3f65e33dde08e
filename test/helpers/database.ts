/** A PostgreSQL database of one's own, on the tests' server, so that nothing another test wrote shows. */
export { freshDatabase, type OwnDatabase } from '../../system/fresh-database';
