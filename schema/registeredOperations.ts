import type { DatabaseConfig } from '../common/config';
import { connect, ensureDatabases } from '../db/connection';
import { migrateLatest } from '../db/migrate';
import { OperationRepository } from '../gateway/store/operationRepository';
import type { OperationDocument } from './operationDocuments';

/**
 * Given the gateway database, returns every operation of every agency's current lists (its approved operations),
 * each named agency/application/operation, for the schema check: a change that breaks one of them breaks an
 * application that runs on the platform.
 */
export async function registeredOperationDocuments(database: DatabaseConfig): Promise<OperationDocument[]> {
  await ensureDatabases(database, ['gateway']);
  const db = connect(database, 'gateway');
  try {
    await migrateLatest(db, 'gateway');
    const approved = await new OperationRepository(db).approvedOperations();
    const documents: OperationDocument[] = [];
    for (const [agencyCode, { byId }] of approved)
      for (const operation of byId.values())
        documents.push({ name: `${agencyCode}/${operation.application}/${operation.name ?? operation.id}`, body: operation.body });
    return documents;
  } finally {
    await db.destroy();
  }
}
