import type { Migration } from '../../migrate';
import * as createEducation from './20261121000000_create_education';

/** The education database's migrations, oldest first. */
export const educationMigrations: Migration[] = [createEducation];
