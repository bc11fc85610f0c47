import { useState } from 'preact/hooks';
import type { Agent, ApiClient, Role } from '../api.ts';
import { adminOnly } from '../ui/admin.ts';
import { fieldOfError } from '../ui/field-error.ts';
import { Field, FormErrorLine, type FormError } from '../ui/form.tsx';

const FIELDS = ['recording', 'webhook_url', 'webhook_secret'];

/**
 * The agent's own settings, which hold from its next call without publishing: call recording
 * (docs/recordings.md) and the webhook its runs are posted to, with its write-only
 * signing secret (docs/webhooks.md). Empty secret keeps the stored one; an empty URL removes the webhook.
 */
export function AgentSettings({ api, role, agent, onSaved }: { api: ApiClient; role: Role; agent: Agent; onSaved: (agent: Agent) => void }) {
  const [recording, setRecording] = useState(agent.recording.enabled);
  const [webhookUrl, setWebhookUrl] = useState(agent.webhook_url ?? '');
  const [webhookSecret, setWebhookSecret] = useState('');
  const [formError, setFormError] = useState<FormError | null>(null);
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useState(false);

  const submit = async (event: Event) => {
    event.preventDefault();
    setFormError(null);
    setSaved(false);
    setBusy(true);
    try {
      const url = webhookUrl.trim();
      const result = await api.updateAgent(agent.uuid, {
        recording: { enabled: recording },
        ...(url === '' ? (agent.webhook_url === null ? {} : { webhook_url: null }) : { webhook_url: url }),
        ...(url !== '' && webhookSecret !== '' ? { webhook_secret: webhookSecret } : {}),
      });
      setWebhookSecret('');
      setSaved(true);
      onSaved(result);
    } catch (err) {
      setFormError({ error: err, field: fieldOfError(err, FIELDS) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="panel" data-testid="agent-settings" onSubmit={(e) => void submit(e)}>
      <h2>Recording and webhook</h2>
      <div class="form-grid">
        <Field label="Record calls" name="recording" formError={formError} hint="two channels: caller left, agent right">
          <input type="checkbox" name="recording" checked={recording} onChange={(e) => setRecording(e.currentTarget.checked)} />
        </Field>
        <Field label="Webhook URL" name="webhook_url" formError={formError} hint="run.started and run.ended are POSTed here; empty removes it">
          <input name="webhook_url" value={webhookUrl} placeholder="https://example.com/vr3-events" onInput={(e) => setWebhookUrl(e.currentTarget.value)} />
        </Field>
        <Field label="Webhook secret" name="webhook_secret" formError={formError} hint={agent.webhook_secret_set ? 'set (write-only): empty keeps it' : '16 to 256 characters, signs every delivery'}>
          <input name="webhook_secret" type="password" autocomplete="off" value={webhookSecret} onInput={(e) => setWebhookSecret(e.currentTarget.value)} />
        </Field>
      </div>
      <FormErrorLine formError={formError} />
      <div class="actions">
        <button type="submit" disabled={busy} {...adminOnly(role)}>
          Save settings
        </button>
        {saved ? <span class="muted" role="status">Saved.</span> : null}
      </div>
    </form>
  );
}
