import { useEffect, useState } from 'react';
import type { ProofFailure, ProofOutcome, ProofTrust } from '../../gateway/audit/proofCheck';
import { verifyAccessProof } from '../../gateway/audit/proofCheck';
import type { AccessView } from './api';
import type { Language, StringKey } from './i18n';
import { localTime, translator } from './i18n';

const FAILURE_WORDS: Record<ProofFailure, StringKey> = {
  MALFORMED: 'proofMalformed',
  NOT_NAMED: 'proofMalformed',
  NOT_INCLUDED: 'proofNotIncluded',
  UNTRUSTED_KEY: 'proofUntrusted',
  BAD_SIGNATURE: 'proofBadSignature',
  NOT_COUNTERSIGNED: 'proofNotCountersigned',
};

/**
 * An access's proof, checked in this browser (WebCrypto: SHA-256 and Ed25519) against the pinned keys: the access
 * as shown is a leaf of the signed, countersigned audit trail, and its record names the signed-in citizen.
 */
export function ProofBadge({ access, nationalId, trust, language }: { access: AccessView; nationalId: string; trust: ProofTrust | null; language: Language }) {
  const t = translator(language);
  const [outcome, setOutcome] = useState<ProofOutcome | null>(null);
  useEffect(() => {
    let current = true;
    setOutcome(null);
    if (access.proof && trust)
      verifyAccessProof(access, nationalId, access.proof, trust).then(
        (checked) => current && setOutcome(checked),
        () => current && setOutcome({ verified: false, failure: 'MALFORMED', message: 'the proof could not be checked' }),
      );
    return () => {
      current = false;
    };
  }, [access, nationalId, trust]);
  if (!access.proof || !trust)
    return (
      <span data-testid="proof" data-state="pending">
        {t('proofPending')}
      </span>
    );
  if (outcome === null)
    return (
      <span data-testid="proof" data-state="checking">
        {t('proofChecking')}
      </span>
    );
  if (outcome.verified)
    return (
      <span
        data-testid="proof"
        data-state="verified"
        style={{ color: '#1a7f37' }}
        title={t('proofVerifiedDetail')
          .replace('{size}', String(outcome.treeSize))
          .replace('{at}', localTime(outcome.checkpointAt, language))
          .replace('{witnesses}', String(outcome.witnesses))}
      >
        ✓ {t('proofVerified')}
      </span>
    );
  return (
    <span data-testid="proof" data-state="failed" data-failure={outcome.failure} role="alert" style={{ color: '#cf222e' }}>
      ✗ {t('proofFailed')}: {t(FAILURE_WORDS[outcome.failure])}
    </span>
  );
}
