import { printable } from '../../common/nationalId';
import { generateApiKey } from './apiKeys';
import type { IssuedKeyMaterial } from './apiKeys';
import { badInput, conflict, notFound } from './errors';
import { requiredText } from './grantInput';
import type { PolicyRepository } from './policyRepository';
import type { StewardshipCore } from './stewardshipCore';
import { credentialStatus, parseInstant } from './stewardshipTerms';
import { DEFAULT_KEY_LIFETIME_MS } from './stewardshipTypes';
import type { ApiKeyInput, CredentialSummary, IssuedApiKey, RotateKeyInput } from './stewardshipTypes';
import type { Actor, CredentialRecord } from './types';

const MAX_GRACE_SECONDS = 30 * 24 * 3600;

/** Given a stored key and the instant, returns what a steward sees of it: everything but its secret's hash, with its status. */
function summary(credential: CredentialRecord, now: string): CredentialSummary {
  const { secretHash: _secretHash, ...rest } = credential;
  return { ...rest, status: credentialStatus(credential, now) };
}

/** The stewards' operations on agencies' API keys: list, make (the secret shown once), rotate with a grace period, revoke. */
export class ApiKeyStewardship {
  constructor(
    private readonly core: StewardshipCore,
    private readonly rotationGraceMs: number,
  ) {}

  /** Given an agency code or null, returns the API keys (never their secrets). */
  async list(agencyCode: string | null = null): Promise<CredentialSummary[]> {
    if (agencyCode !== null) await this.core.existingAgency(this.core.repository, agencyCode);
    const now = this.core.now().toISOString();
    return (await this.core.repository.credentials(agencyCode)).map((credential) => summary(credential, now));
  }

  /**
   * Given an agency and an optional expiry (a year by default) and label, makes an API key and returns it
   * whole: this is the only time the secret is seen. `material` lets the demo seed use derived keys.
   */
  async create(actor: Actor, input: ApiKeyInput, material: IssuedKeyMaterial = generateApiKey()): Promise<IssuedApiKey> {
    const label = input.label === null || input.label === undefined || input.label.trim() === '' ? null : requiredText(input.label, 'The key label', 200);
    return this.core.change(async (repository, now) => {
      // The code as registered: MySQL compares codes without regard to case, the snapshot's Map does not.
      const { code } = await this.core.existingAgency(repository, input.agencyCode);
      const credential = await this.insertKey(repository, actor, now, { agencyCode: code, label, expiresAt: expiryOf(input.expiresAt, now) }, material);
      return { key: material.key, credential: summary(credential, now) };
    });
  }

  /**
   * Given a key id, makes its successor for the same agency and returns it whole; the old key keeps working
   * for the grace period (never past its own expiry), then stops.
   */
  async rotate(actor: Actor, input: RotateKeyInput): Promise<IssuedApiKey> {
    const graceSeconds = input.graceSeconds ?? this.rotationGraceMs / 1000;
    if (!Number.isInteger(graceSeconds) || graceSeconds < 0 || graceSeconds > MAX_GRACE_SECONDS) {
      throw badInput(`The grace period must be a whole number of seconds from 0 to ${MAX_GRACE_SECONDS} (30 days), got ${graceSeconds}`);
    }
    const material = generateApiKey();
    return this.core.change(async (repository, now) => {
      const before = await liveCredential(repository, input.id, now);
      const terms = { agencyCode: before.agencyCode, label: before.label, expiresAt: expiryOf(input.expiresAt, now) };
      const successor = await this.insertKey(repository, actor, now, terms, material);
      const graceEnd = new Date(Date.parse(now) + graceSeconds * 1000).toISOString();
      const after: CredentialRecord = { ...before, expiresAt: graceEnd < before.expiresAt ? graceEnd : before.expiresAt, replacedBy: successor.id };
      await repository.updateCredential(after);
      await this.core.record(repository, actor, now, 'ROTATE_KEY', 'CREDENTIAL', before.id, summary(before, now), summary(after, now));
      return { key: material.key, credential: summary(successor, now) };
    });
  }

  /** Given a key id, revokes the key at once; CONFLICT when it no longer works anyway. */
  async revoke(actor: Actor, id: string): Promise<CredentialSummary> {
    return this.core.change(async (repository, now) => {
      const before = await liveCredential(repository, id, now);
      const after: CredentialRecord = { ...before, revokedAt: now };
      await repository.updateCredential(after);
      await this.core.record(repository, actor, now, 'REVOKE_KEY', 'CREDENTIAL', id, summary(before, now), summary(after, now));
      return summary(after, now);
    });
  }

  private async insertKey(
    repository: PolicyRepository,
    actor: Actor,
    now: string,
    terms: { agencyCode: string; label: string | null; expiresAt: string },
    material: IssuedKeyMaterial,
  ): Promise<CredentialRecord> {
    if (await repository.credentialById(material.id)) throw conflict(`An API key with id ${material.id} exists already`);
    const credential: CredentialRecord = {
      id: material.id,
      agencyCode: terms.agencyCode,
      label: terms.label,
      secretHash: material.secretHash,
      createdAt: now,
      expiresAt: terms.expiresAt,
      revokedAt: null,
      replacedBy: null,
    };
    await repository.insertCredential(credential);
    await this.core.record(repository, actor, now, 'CREATE_KEY', 'CREDENTIAL', credential.id, null, summary(credential, now));
    return credential;
  }
}

/** Given an expiry as written (or none: a year from now) and the instant, returns it, or throws BAD_USER_INPUT for one not in the future. */
function expiryOf(value: string | null | undefined, now: string): string {
  if (value === null || value === undefined) return new Date(Date.parse(now) + DEFAULT_KEY_LIFETIME_MS).toISOString();
  const expiresAt = parseInstant(value, 'The expiry');
  if (expiresAt <= now) throw badInput(`The expiry ${expiresAt} is not in the future`);
  return expiresAt;
}

/** Given a key id and the instant, returns the key, or throws NOT_FOUND (unknown) or CONFLICT (it works no longer). */
async function liveCredential(repository: PolicyRepository, id: string, now: string): Promise<CredentialRecord> {
  const credential = await repository.credentialById(id);
  if (!credential) throw notFound(`Unknown API key "${printable(id)}"`);
  const status = credentialStatus(credential, now);
  if (status !== 'ACTIVE') throw conflict(`The API key ${id} is ${status.toLowerCase()} already`);
  return credential;
}
