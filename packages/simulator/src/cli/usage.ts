/**
 * Help texts of `vr3-sim`, one per command, with the provider lists and default accounts generated
 * from {@link PROVIDER_DEFAULTS} and the peer registry so that they cannot drift from the code.
 */
import { MEDIA_CLIENT_PROVIDERS } from '@vr3/providers/testing';
import { peerProviders } from '../peers/registry.ts';
import { PROVIDER_DEFAULTS, SIM_PROVIDERS } from '../provider-defaults.ts';
import { PROVIDER_API_DEFAULTS } from '../api/provider-api.ts';

/** The commands of `vr3-sim`, in help order. */
export const COMMANDS = ['call', 'provider-api', 'setup', 'load', 'burst', 'bot', 'providers'] as const;
/** One of {@link COMMANDS}. */
export type Command = (typeof COMMANDS)[number];

const accounts = (): string =>
  SIM_PROVIDERS.map((p) => `          ${p.padEnd(10)} ${PROVIDER_DEFAULTS[p].account}  (${PROVIDER_DEFAULTS[p].accountLabel})`).join('\n');

/** The usage of one command. */
export function commandUsage(command: Command): string {
  switch (command) {
    case 'call':
      return `  vr3-sim call          --url WS_URL | --product URL --agent UUID   [options]
      Stream a WAV file or a tone in real time with the provider's framing, press DTMF on cue,
      record the agent's audio, hang up, print a timeline. Exit code 1 when the call failed: no
      audio came back, or the socket closed with a code other than 1000 (or not at all).
      --provider NAME      ${MEDIA_CLIENT_PROVIDERS.join(', ')} (default cloudonix)
      --wav FILE           caller audio (PCM16, μ-law or A-law WAV; resampled as needed)
      --tone HZ            a tone instead (default 440) · --duration MS (default 3000)
      --dtmf D@MS,…        key presses, ms after the first media frame (e.g. 1@1500,#@3000)
      --out FILE           write the agent's audio to a WAV file
      --tail MS            silence streamed after the audio before hanging up (default 1000)
      --hangup provider|close  the provider's way (stop frame; default) or a socket close
      --account ID         provider account; default the one \`setup\` configures:
${accounts()}
      --format ENC/RATE    wire format, e.g. mulaw/8000, L16/16000 (any case; default: the provider's,
                           for Exotel the URL's sample-rate)
      --json               print the report as JSON
`;
    case 'provider-api':
      return `  vr3-sim provider-api  [--port 9090] [--host ${PROVIDER_API_DEFAULTS.host}] [--token T] [--strict] [--delay-ms MS] [--quiet]
                        [--ring-ms MS] [--hold-ms MS] [--busy NUMBER]... [--no-answer NUMBER]... [--max-stream-ms MS]
      A local stand-in for the providers' REST APIs (call validation, hangup, transfer) that records
      every request. Point a telephony configuration's api_base_url at it (the product needs
      VR3_ALLOW_INSECURE_PROVIDER_URLS=true for http://). GET /_sim/requests lists what it received.
      Calls the product places (Twilio, Vobiz, Plivo, Exotel, Cloudonix) are dialled back: after
      --ring-ms (default 50) the stand-in answers on the call's stream URL (Vobiz/Plivo: from the
      answer URL), plays a 440 Hz tone for --hold-ms (default 1000), hangs up and posts the status
      callbacks; calls to a --busy or --no-answer number end that way instead. Streams the product
      attaches to a live Vobiz or Plivo call are opened to their service_url and play the tone
      until stopped (DELETE …/Stream/{id}/) or --max-stream-ms (default 60000), with StartStream
      and StopStream callbacks.
`;
    case 'setup':
      return `  vr3-sim setup         --product URL --api-key KEY --provider-api URL [--provider NAME] [--account ID] [--token T]
                        [--edge URL] [--url-only] [--wait-ms MS]
      Create (or, on a re-run, reuse) a telephony configuration pointing at the stand-in, then an
      echo agent; print the stream URL and the account to call with. The configuration is made first,
      so a failure leaves no agent behind. --api-key defaults to $VR3_API_KEY. Then waits up to
      --wait-ms (default 10000) for the stand-in to answer, and exits 1 if it does not.
      --edge URL           where streams go when it is not --product (distributed mode: the
                           media-edge, e.g. ws://127.0.0.1:8080, while --product is the control-plane)
      --url-only           print the stream URL alone (URL=$(npx --no vr3-sim setup … --url-only))
      --provider NAME      ${SIM_PROVIDERS.join(', ')} (default cloudonix)
      --account ID         default per provider (what \`call\` uses without --account):
${accounts()}
      --domain D           the same as --account, for cloudonix
      --token T            the stand-in's credential (default ${PROVIDER_API_DEFAULTS.token})
`;
    case 'load':
      return `  vr3-sim load          --url WS_URL | --product URL --agent UUID   [options]
      N concurrent calls with a ramp; per-frame echo latency, loss, reordering, handshake latency,
      close codes. Exit code 0 only if the run passed (no failed call, no loss, p99 under --max-p99).
      Providers: ${peerProviders().join(', ')} (see \`vr3-sim providers\`).
      --calls N (default 10) · --ramp PER_S (100) · --window MS (10000) · --settle MS (1000)
      --probe MS (2; 0 = no handshake probes) · --hangup stop|close · --max-p99 MS (20)
      --provider, --account, --format as for call · --json · --out FILE (JSON result)
`;
    case 'burst':
      return `  vr3-sim burst         --url WS_URL[,WS_URL…] | --product URL --agent UUID   [options]
      N calls opened evenly over R seconds (round-robin over the URLs), each streaming in real time;
      per call: connect, socket open → first echo, echoed or not, close code. Exit code 0 only if
      every call was admitted and echoed. Providers: ${peerProviders().join(', ')}.
      --calls N (default 100) · --over SECONDS (1) · --call-seconds S (10) · --echo-timeout MS (15000)
      --hangup stop|close · --provider, --account, --format as for call · --json · --out FILE
`;
    case 'bot':
      return `  vr3-sim bot           --protocol twilio|exotel|vobiz|plivo|cloudonix|vr3 [--port 9091] [--host H] [--mode echo|listen] [--quiet]
      A small bot for the bridge engine: it speaks the bot's side of the protocol, plays the caller
      back (echo; # hangs up) or only listens, and prints the URL and engine configuration to use
      and one line per call event. Runs until SIGINT/SIGTERM.
`;
    case 'providers':
      return `  vr3-sim providers
      Which commands play which provider (call, setup, load/burst) and each one's default account.
`;
  }
}

/** The whole help text. */
export function usage(): string {
  return `vr3-sim — play a telephony provider against an Agent Stream URL
Run it from the repository (\`npx --no vr3-sim …\`): it is not published, and a bare \`npx vr3-sim\`
outside the repository would fetch whatever the public registry has under that name.

${COMMANDS.map(commandUsage).join('\n')}`;
}

/** The `providers` table: what `call`, `setup` and `load`/`burst` support, and the default accounts. */
export function providersTable(): string {
  const load = new Set(peerProviders());
  const call = new Set<string>(MEDIA_CLIENT_PROVIDERS);
  const rows = SIM_PROVIDERS.map((p) => [p, call.has(p) ? 'yes' : 'no', 'yes', load.has(p) ? 'yes' : 'no', PROVIDER_DEFAULTS[p].account]);
  const head = ['provider', 'call', 'setup', 'load/burst', 'default account'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]): string => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  return `${[line(head), ...rows.map(line)].join('\n')}\n`;
}
