import type { Knex } from 'knex';
import type { GatewayHeartbeatRow } from '../../db/gatewayRows';

const HEARTBEATS = 'gateway_heartbeats';

/** The gateways' heartbeats in the gateway database: the only SQL of the replica count. */
export class HeartbeatRepository {
  constructor(private readonly db: Knex) {}

  /** Given an instance and a moment, records that it was running then. */
  async beat(instance: string, at: Date): Promise<void> {
    await this.db<GatewayHeartbeatRow>(HEARTBEATS).insert({ instance, seen_at: at.toISOString() }).onConflict('instance').merge(['seen_at']);
  }

  /** Given a moment, returns how many instances were seen since. */
  async seenSince(since: Date): Promise<number> {
    const row = (await this.db(HEARTBEATS).where('seen_at', '>=', since.toISOString()).count({ n: '*' }).first()) as { n: number | string } | undefined;
    return Number(row?.n ?? 0);
  }

  /** Given an instance, removes its heartbeat: a clean stop leaves the count at once. */
  async forget(instance: string): Promise<void> {
    await this.db(HEARTBEATS).where('instance', instance).delete();
  }
}
