import { Gauge } from 'prom-client';
import type { Registry } from 'prom-client';
import type { AuditLogFigures } from '../audit/auditLog';

/** What the audit trail tells the metrics of itself: how far records are durable, shipped, indexed and sealed. */
export type AuditFigures = AuditLogFigures;

/**
 * Given a registry, how to read the audit trail's figures (null while no gateway records) and when the process
 * started, registers the audit's gauges, read at each scrape: whether it takes records, its backlog (not shipped,
 * not indexed), the age of its last checkpoint and of each witness's last countersignature (counted from the
 * start before the first).
 */
export function registerAuditGauges(registry: Registry, figures: () => AuditFigures | null, startedAt: number): void {
  new Gauge({
    name: 'audit_accepting_records',
    help: 'Whether the audit trail takes records (1); at 0 personal data is refused with AUDIT_UNAVAILABLE',
    registers: [registry],
    collect() {
      const audit = figures();
      if (audit) this.set(audit.acceptingRecords ? 1 : 0);
    },
  });
  new Gauge({
    name: 'audit_unshipped_records',
    help: 'Durable audit records (in the outbox) the gateway database does not hold yet',
    registers: [registry],
    collect() {
      const audit = figures();
      if (audit) this.set(audit.durableSeq - audit.storedSeq);
    },
  });
  new Gauge({
    name: 'audit_unindexed_records',
    help: 'Audit records in the gateway database that the index (citizens, fields) does not cover yet',
    registers: [registry],
    collect() {
      const audit = figures();
      if (audit) this.set(Math.max(0, audit.storedSeq - audit.indexedSeq));
    },
  });
  new Gauge({
    name: 'audit_last_checkpoint_age_seconds',
    help: 'Seconds since the last signed checkpoint (since the gateway started, before the first)',
    registers: [registry],
    collect() {
      const audit = figures();
      if (audit) this.set((Date.now() - (audit.lastCheckpointAt ?? startedAt)) / 1000);
    },
  });
  new Gauge({
    name: 'audit_witness_countersign_age_seconds',
    help: 'Seconds since each witness last countersigned a checkpoint of this gateway (since the gateway started, before the first)',
    labelNames: ['witness'],
    registers: [registry],
    collect() {
      const audit = figures();
      this.reset();
      for (const { witness, countersignedAt } of audit?.witnesses ?? []) this.labels(witness).set((Date.now() - (countersignedAt ?? startedAt)) / 1000);
    },
  });
}
