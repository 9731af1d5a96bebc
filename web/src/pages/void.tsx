/**
 * Voiding a claim sent in error (frequency 8 with REF*F8): managers and admins only, for a claim on
 * the payer's file (the API refuses a claim never sent, or one whose execution still waits). The
 * version read with the claim is sent back (optimistic lock); the reason is a code, never free text.
 */
import { useState } from 'preact/hooks';
import { errorText } from '../api/client';
import { VOID_REASONS, type VoidReason } from '../lib/void';
import { Notice, useApp } from '../ui';

const REASON_WORDS: Record<VoidReason, string> = {
  SENT_IN_ERROR: 'Sent in error',
  WRONG_PAYER: 'Wrong payer',
  DUPLICATE: 'Duplicate claim',
  SERVICE_NOT_RENDERED: 'Service not rendered',
};

export function VoidClaim({
  claimId,
  version,
  onDone,
}: {
  claimId: string;
  version: number;
  onDone: () => void;
}) {
  const { api, session } = useApp();
  const [reason, setReason] = useState<VoidReason>('SENT_IN_ERROR');
  const [confirming, setConfirming] = useState(false);
  const [notice, setNotice] = useState<{ kind: 'ok' | 'error'; text: string }>();
  if (!session.groups.includes('manager') && !session.groups.includes('admin')) return null;

  const submit = async () => {
    const r = await api.POST('/api/claims/{claimId}/void', {
      params: { path: { claimId } },
      body: { version, reason },
    });
    setConfirming(false);
    if (!r.data) return setNotice({ kind: 'error', text: `Not voided: ${errorText(r.error)}` });
    setNotice({ kind: 'ok', text: `Void sent as frequency 8 (REF*F8 ${r.data.payerClaimControlNumber}).` });
    onDone();
  };

  return (
    <form
      class="inline-form"
      aria-label="Void claim"
      onSubmit={(e) => {
        e.preventDefault();
        if (confirming) void submit();
        else setConfirming(true);
      }}
    >
      <label>
        Void reason
        <select
          name="void-reason"
          value={reason}
          onChange={(e) => setReason((e.target as HTMLSelectElement).value as VoidReason)}
        >
          {VOID_REASONS.map((r) => (
            <option key={r} value={r}>
              {REASON_WORDS[r]}
            </option>
          ))}
        </select>
      </label>
      <button type="submit">{confirming ? 'Confirm void (frequency 8)' : 'Void claim'}</button>
      {confirming && (
        <button type="button" onClick={() => setConfirming(false)}>
          Cancel
        </button>
      )}
      {notice && <Notice kind={notice.kind}>{notice.text}</Notice>}
    </form>
  );
}
