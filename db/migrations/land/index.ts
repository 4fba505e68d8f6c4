import type { Migration } from '../../migrate';
import * as createLand from './20261121000000_create_land';

/** The land database's migrations, oldest first. */
export const landMigrations: Migration[] = [createLand];
