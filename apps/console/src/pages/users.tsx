import { useCallback, useEffect, useState } from 'preact/hooks';
import type { ApiClient, CreatedInvitation, Invitation, InvitationState, Quota, Role, Session, User } from '../api.ts';
import { ErrorMessage } from '../error-message.tsx';
import { adminOnly } from '../ui/admin.ts';
import { ConfirmButton } from '../ui/confirm-button.tsx';
import { CopyValue } from '../ui/copy-button.tsx';
import { fieldOfError } from '../ui/field-error.ts';
import { Field, FormErrorLine, type FormError } from '../ui/form.tsx';
import { ListFooter } from '../ui/list-footer.tsx';
import { usePagedList, type PagedList } from '../ui/use-paged-list.ts';
import { timeText } from './runs.tsx';

const ROLES: Role[] = ['admin', 'member'];
const INVITATION_STATES: InvitationState[] = ['pending', 'accepted', 'expired', 'revoked'];

/** Invites a person; the invitation's token and URL are shown this once. */
function InviteForm({ api, onInvited }: { api: ApiClient; onInvited: () => void }) {
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<Role>('member');
  const [formError, setFormError] = useState<FormError | null>(null);
  const [made, setMade] = useState<CreatedInvitation | null>(null);
  const submit = async (event: Event) => {
    event.preventDefault();
    setFormError(null);
    try {
      setMade(await api.inviteUser({ email, role }));
      setEmail('');
      onInvited();
    } catch (err) {
      setFormError({ error: err, field: fieldOfError(err, ['email', 'role']) });
    }
  };
  return (
    <form class="panel" onSubmit={(e) => void submit(e)}>
      <h2>Invite someone</h2>
      <div class="form-grid">
        <Field label="Email" name="email" formError={formError}>
          <input name="email" value={email} onInput={(e) => setEmail(e.currentTarget.value)} />
        </Field>
        <Field label="Role" name="role" formError={formError}>
          <select name="role" value={role} onChange={(e) => setRole(e.currentTarget.value as Role)}>
            {ROLES.map((r) => (
              <option key={r}>{r}</option>
            ))}
          </select>
        </Field>
      </div>
      <FormErrorLine formError={formError} />
      <button type="submit">Invite</button>
      {made ? (
        <div class="once" role="status">
          <strong>Send this to {made.email} now: it is shown this once.</strong>
          <div>
            <CopyValue value={made.invitation_url ?? made.token} label="Copy the invitation" />
          </div>
        </div>
      ) : null}
    </form>
  );
}

/** A user's limits (empty: unlimited) and current usage. */
function QuotaEditor({ api, user }: { api: ApiClient; user: User }) {
  const [quota, setQuota] = useState<Quota | null>(null);
  const [calls, setCalls] = useState('');
  const [seconds, setSeconds] = useState('');
  const [formError, setFormError] = useState<FormError | null>(null);
  const [saved, setSaved] = useState(false);
  const show = (q: Quota) => {
    setQuota(q);
    setCalls(q.max_concurrent_calls === null ? '' : String(q.max_concurrent_calls));
    setSeconds(q.monthly_call_seconds === null ? '' : String(q.monthly_call_seconds));
  };
  useEffect(() => {
    api.getQuota(user.id).then(show, (err: unknown) => setFormError({ error: err, field: null }));
  }, [api, user.id]);
  // Typed numbers go as numbers; anything else as typed, for the server to name the field.
  const limit = (text: string): number | null => (text.trim() === '' ? null : Number.isFinite(Number(text)) ? Number(text) : (text as unknown as number));
  const submit = async (event: Event) => {
    event.preventDefault();
    setFormError(null);
    setSaved(false);
    try {
      show(await api.putQuota(user.id, { max_concurrent_calls: limit(calls), monthly_call_seconds: limit(seconds) }));
      setSaved(true);
    } catch (err) {
      setFormError({ error: err, field: fieldOfError(err, ['max_concurrent_calls', 'monthly_call_seconds']) });
    }
  };
  return (
    <form class="panel" data-testid="quota-form" onSubmit={(e) => void submit(e)}>
      <h2>Quota of {user.email}</h2>
      {quota ? (
        <p class="muted">
          Now: {quota.usage.active_calls} active calls, {quota.usage.month_call_seconds} s this month.
        </p>
      ) : null}
      <div class="form-grid">
        <Field label="Concurrent calls" name="max_concurrent_calls" formError={formError} hint="empty: unlimited">
          <input name="max_concurrent_calls" disabled={quota === null} value={calls} onInput={(e) => setCalls(e.currentTarget.value)} />
        </Field>
        <Field label="Call seconds per month" name="monthly_call_seconds" formError={formError} hint="empty: unlimited">
          <input name="monthly_call_seconds" disabled={quota === null} value={seconds} onInput={(e) => setSeconds(e.currentTarget.value)} />
        </Field>
      </div>
      <FormErrorLine formError={formError} />
      <button type="submit" disabled={quota === null}>
        Save quota
      </button> {saved ? <span role="status">Saved.</span> : null}
    </form>
  );
}

/** The organization's invitations, newest first, filtered by state; pending ones can be revoked. */
function InvitationsList({ api, role, list, state, onState }: { api: ApiClient; role: Role; list: PagedList<Invitation>; state: InvitationState | ''; onState: (state: InvitationState | '') => void }) {
  const [actionError, setActionError] = useState<unknown>(null);
  const revoke = async (id: string) => {
    setActionError(null);
    try {
      await api.revokeInvitation(id);
      list.reload();
    } catch (err) {
      setActionError(err);
    }
  };
  return (
    <section class="panel" data-testid="invitations">
      <h2>Invitations</h2>
      <div class="filters">
        <label class="inline">
          State{' '}
          <select name="invitation-state" value={state} onChange={(e) => onState(e.currentTarget.value as InvitationState | '')}>
            <option value="">all</option>
            {INVITATION_STATES.map((s) => (
              <option key={s}>{s}</option>
            ))}
          </select>
        </label>
      </div>
      <ErrorMessage error={actionError} />
      {list.items.length > 0 ? (
        <table class="list">
          <thead>
            <tr>
              <th>Email</th>
              <th>Role</th>
              <th>State</th>
              <th>Expires</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {list.items.map((i) => (
              <tr key={i.id} data-id={i.id} data-state={i.state}>
                <td>{i.email}</td>
                <td>{i.role}</td>
                <td>{i.state}</td>
                <td>{timeText(i.expires_at)}</td>
                <td class="row-actions">
                  {i.state === 'pending' ? <ConfirmButton label="Revoke" question="Revoke this invitation? Its link stops working." onConfirm={() => void revoke(i.id)} {...adminOnly(role)} /> : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      <ListFooter list={list} empty="No invitations." />
    </section>
  );
}

/** `#/users`: the organization's people (admins): invite, change role, remove, and each one's quota; then the invitations. */
export function UsersPage({ api, session }: { api: ApiClient; session: Session }) {
  const [filter, setFilter] = useState('');
  const [quotaOf, setQuotaOf] = useState<User | null>(null);
  const [actionError, setActionError] = useState<unknown>(null);
  const fetchPage = useCallback((cursor: string | undefined) => api.listUsers(cursor ? { cursor } : {}), [api]);
  const list = usePagedList(fetchPage);
  const [invitationState, setInvitationState] = useState<InvitationState | ''>('');
  const fetchInvitations = useCallback(
    (cursor: string | undefined) => api.listInvitations({ ...(invitationState ? { state: invitationState } : {}), ...(cursor ? { cursor } : {}) }),
    [api, invitationState],
  );
  const invitations = usePagedList(fetchInvitations);
  const act = async (action: () => Promise<unknown>) => {
    setActionError(null);
    try {
      await action();
      list.reload();
    } catch (err) {
      setActionError(err);
    }
  };
  const needle = filter.trim().toLowerCase();
  const shown = list.items.filter((u) => !needle || (u.email ?? '').toLowerCase().includes(needle) || (u.name ?? '').toLowerCase().includes(needle) || u.role === needle);

  return (
    <section>
      <header class="page-header">
        <h1>Users & quotas</h1>
      </header>
      <InviteForm
        api={api}
        onInvited={() => {
          list.reload();
          invitations.reload();
        }}
      />
      {quotaOf ? <QuotaEditor key={quotaOf.id} api={api} user={quotaOf} /> : null}
      <div class="filters">
        <label class="inline">
          Find <input name="user-filter" value={filter} placeholder="email, name or role" onInput={(e) => setFilter(e.currentTarget.value)} />
        </label>
      </div>
      <ErrorMessage error={actionError} />
      {shown.length > 0 ? (
        <table class="list" data-testid="users">
          <thead>
            <tr>
              <th>Email</th>
              <th>Name</th>
              <th>Role</th>
              <th>Password</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {shown.map((u) => (
              <tr key={u.id} data-id={u.id}>
                <td>{u.email}</td>
                <td>{u.name ?? '—'}</td>
                <td>
                  <select aria-label={`Role of ${u.email}`} value={u.role} disabled={u.id === session.user_id} onChange={(e) => void act(() => api.setUserRole(u.id, e.currentTarget.value as Role))}>
                    {ROLES.map((r) => (
                      <option key={r}>{r}</option>
                    ))}
                  </select>
                </td>
                <td>{u.password_set ? 'set' : 'invited'}</td>
                <td class="row-actions">
                  <button type="button" class="small" onClick={() => setQuotaOf(u)}>
                    Quota
                  </button>{' '}
                  {u.id === session.user_id ? null : <ConfirmButton label="Remove" question="Remove this person?" onConfirm={() => void act(() => api.deleteUser(u.id))} />}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      <ListFooter list={list} empty="No users." />
      <InvitationsList api={api} role={session.role} list={invitations} state={invitationState} onState={setInvitationState} />
    </section>
  );
}
