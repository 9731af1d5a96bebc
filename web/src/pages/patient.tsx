/**
 * The patient side of a claim: post a patient payment, or (managers) write off a small balance with a
 * reason (the patient ledger is separate from the claim's insurance ledger shown above). Each form carries an idempotency key made when it opens, so a repeated submit posts once.
 */
import { useState } from 'preact/hooks';
import { errorText } from '../api/client';
import { money, parseDollars } from '../lib/format';
import { Notice, useApp } from '../ui';

const METHODS = ['CASH', 'CHECK', 'CARD', 'OTHER'] as const;

export function PatientSide({ claimId }: { claimId: string }) {
  const { api, session } = useApp();
  const [key, setKey] = useState(() => crypto.randomUUID());
  const [amount, setAmount] = useState('');
  const [method, setMethod] = useState<(typeof METHODS)[number]>('CARD');
  const [receivedOn, setReceivedOn] = useState(new Date().toISOString().slice(0, 10));
  const [reason, setReason] = useState('');
  const [notice, setNotice] = useState<{ kind: 'ok' | 'error'; text: string }>();
  const manager = session.groups.includes('manager') || session.groups.includes('admin');
  const path = { params: { path: { claimId } } };

  const post = async (kind: 'payment' | 'write-off') => {
    const amountCents = parseDollars(amount);
    if (amountCents === undefined || amountCents <= 0)
      return setNotice({ kind: 'error', text: 'Amount: give dollars and cents, e.g. 25.00' });
    const r =
      kind === 'payment'
        ? await api.POST('/api/claims/{claimId}/patient-payments', {
            ...path,
            body: { key, amountCents, method, receivedOn },
          })
        : await api.POST('/api/claims/{claimId}/patient-write-offs', {
            ...path,
            body: { key, amountCents, reason },
          });
    if (!r.data) return setNotice({ kind: 'error', text: `Not posted: ${errorText(r.error)}` });
    setNotice({
      kind: 'ok',
      text: `${kind === 'payment' ? 'Payment' : 'Write-off'} ${r.data.posted}; patient balance ${money(r.data.balance.balanceCents)}.`,
    });
    setKey(crypto.randomUUID());
    setAmount('');
  };

  return (
    <section aria-labelledby="c-patient">
      <h2 id="c-patient">Patient balance</h2>
      <form
        class="filters"
        aria-label="Patient payment"
        onSubmit={(e) => {
          e.preventDefault();
          void post('payment');
        }}
      >
        <label>
          Amount (dollars)
          <input
            name="amount"
            inputMode="decimal"
            value={amount}
            onInput={(e) => setAmount(e.currentTarget.value)}
          />
        </label>
        <label>
          Method
          <select
            value={method}
            onChange={(e) => setMethod(e.currentTarget.value as (typeof METHODS)[number])}
          >
            {METHODS.map((m) => (
              <option key={m} value={m}>
                {m.toLowerCase()}
              </option>
            ))}
          </select>
        </label>
        <label>
          Received on
          <input type="date" value={receivedOn} onInput={(e) => setReceivedOn(e.currentTarget.value)} />
        </label>
        <div class="actions">
          <button type="submit">Post patient payment</button>
        </div>
      </form>
      {manager && (
        <form
          class="filters"
          aria-label="Small-balance write-off"
          onSubmit={(e) => {
            e.preventDefault();
            void post('write-off');
          }}
        >
          <label>
            Write-off reason
            <input
              value={reason}
              minLength={3}
              maxLength={200}
              required
              onInput={(e) => setReason(e.currentTarget.value)}
            />
          </label>
          <div class="actions">
            <button type="submit">Write off the amount above</button>
          </div>
        </form>
      )}
      {notice && <Notice kind={notice.kind}>{notice.text}</Notice>}
    </section>
  );
}
