import type { Migration } from '../../migrate';
import * as createPopulation from './20261121000000_create_population';

/** The population database's migrations, oldest first. */
export const populationMigrations: Migration[] = [createPopulation];
