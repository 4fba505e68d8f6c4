import type { Migration } from '../../migrate';
import * as createHealth from './20261121000000_create_health';

/** The health database's migrations, oldest first. */
export const healthMigrations: Migration[] = [createHealth];
