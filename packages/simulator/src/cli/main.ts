/**
 * `vr3-sim`: the provider simulator's command line. Commands: `call`, `provider-api`, `load`,
 * `burst`, `setup`, `bot`, `providers`. Exit codes: 0 success (for `load` and `burst`: the run passed), 1 failure, 2 bad usage.
 */
import { SimulatorError, SimulatorErrorCode } from '../errors.ts';
import { botCommand } from './bot-command.ts';
import { callCommand } from './call-command.ts';
import { burstCommand } from './burst-command.ts';
import { loadCommand } from './load-command.ts';
import { providerApiCommand } from './provider-api-command.ts';
import { setupCommand } from './setup-command.ts';
import { peerProviders } from '../peers/registry.ts';

export const USAGE = `vr3-sim — play a telephony provider against an Agent Stream URL

  vr3-sim call          --url WS_URL | --product URL --agent UUID   [options]
      Stream a WAV file or a tone in real time with the provider's framing, press DTMF on cue,
      record the agent's audio, hang up, print a timeline.
      --provider NAME      provider to play (default cloudonix; see \`vr3-sim providers\`)
      --wav FILE           caller audio (PCM16, μ-law or A-law WAV; resampled as needed)
      --tone HZ            a tone instead (default 440) · --duration MS (default 3000)
      --dtmf D@MS,…        key presses, ms after the first media frame (e.g. 1@1500,#@3000)
      --out FILE           write the agent's audio to a WAV file
      --tail MS            silence streamed after the audio before hanging up (default 1000)
      --hangup stop|close  the provider's stop frame (default) or a socket close
      --account ID         provider account (Cloudonix domain; default acme)
      --format ENC/RATE    wire format, e.g. mulaw/8000 (default: the provider's)
      --json               print the report as JSON

  vr3-sim provider-api  [--port 9090] [--host 127.0.0.1] [--token T] [--strict] [--delay-ms MS] [--quiet]
      A local stand-in for the providers' REST APIs (call validation, hangup, transfer) that records
      every request. Point a telephony configuration's api_base_url at it (the product needs
      VR3_ALLOW_INSECURE_PROVIDER_URLS=true for http://). GET /_sim/requests lists what it received.

  vr3-sim setup         --product URL --api-key KEY --provider-api URL [--token T] [--domain acme]
      Create an echo agent and a Cloudonix configuration pointing at the stand-in; print the stream URL.

  vr3-sim load          --url WS_URL | --product URL --agent UUID   [options]
      N concurrent calls with a ramp; per-frame echo latency, loss, reordering, handshake latency,
      close codes. Exit code 0 only if the run passed (no failed call, no loss, p99 under --max-p99).
      --calls N (default 10) · --ramp PER_S (100) · --window MS (10000) · --settle MS (1000)
      --probe MS (2; 0 = no handshake probes) · --hangup stop|close · --max-p99 MS (20)
      --provider, --account, --format as for call · --json · --out FILE (JSON result)

  vr3-sim burst         --url WS_URL[,WS_URL…] | --product URL --agent UUID   [options]
      N calls opened evenly over R seconds (round-robin over the URLs), each streaming in real time;
      per call: connect, socket open → first echo, echoed or not, close code. Exit code 0 only if
      every call was admitted and echoed.
      --calls N (default 100) · --over SECONDS (1) · --call-seconds S (10) · --echo-timeout MS (15000)
      --hangup stop|close · --provider, --account, --format as for call · --json · --out FILE

  vr3-sim bot           --protocol twilio|exotel|vobiz|plivo|cloudonix|vr3 [--port 9091] [--host H] [--mode echo|listen] [--quiet]
      A small bot for the bridge engine: it speaks the bot's side of the protocol, plays the caller
      back (echo; # hangs up) or only listens, and prints the URL and engine configuration to use
      and one line per call event. Runs until SIGINT/SIGTERM.

  vr3-sim providers     list the providers the simulator can play
`;

/** Runs one command; resolves with the exit code. */
export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'call':
        return await callCommand(rest);
      case 'provider-api':
        return await providerApiCommand(rest);
      case 'load':
        return await loadCommand(rest);
      case 'burst':
        return await burstCommand(rest);
      case 'setup':
        return await setupCommand(rest);
      case 'bot':
        return await botCommand(rest);
      case 'providers':
        process.stdout.write(`${peerProviders().join('\n')}\n`);
        return 0;
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        process.stdout.write(USAGE);
        return command === undefined ? 2 : 0;
      default:
        process.stderr.write(`vr3-sim: unknown command "${command}"\n\n${USAGE}`);
        return 2;
    }
  } catch (err) {
    if (err instanceof SimulatorError) {
      process.stderr.write(`vr3-sim: ${err.message}\n`);
      return err.code === SimulatorErrorCode.InvalidOption || err.code === SimulatorErrorCode.UnsupportedProvider ? 2 : 1;
    }
    if (err instanceof TypeError && (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`vr3-sim: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
}
