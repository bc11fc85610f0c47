import { useEffect, useRef, useState } from 'preact/hooks';
import type { Run } from '../types.ts';
import { wavPeaks, type Waveform } from './waveform.ts';

/** Recordings up to this size get a waveform (a long call's WAV is read whole to draw it). */
const WAVEFORM_MAX_BYTES = 64 * 1024 * 1024;
const COLUMNS = 720;
const ROW_HEIGHT = 48;

/** Draws the two channels (caller above, agent below) and the played part up to `at` (0…1). */
function draw(canvas: HTMLCanvasElement, wave: Waveform, at: number): void {
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  const styles = getComputedStyle(canvas);
  const played = styles.getPropertyValue('--accent').trim() || '#2563eb';
  const rest = styles.getPropertyValue('--muted').trim() || '#888';
  ctx.clearRect(0, 0, canvas.width, canvas.height);
  wave.channels.slice(0, 2).forEach((peaks, row) => {
    const mid = row * ROW_HEIGHT + ROW_HEIGHT / 2;
    for (let x = 0; x < peaks.length; x++) {
      const h = Math.max(1, peaks[x]! * (ROW_HEIGHT - 6));
      ctx.fillStyle = x / peaks.length <= at ? played : rest;
      ctx.fillRect(x, mid - h / 2, 1, h);
    }
  });
}

/**
 * The run's recording (caller left, agent right): the browser's audio player on the API's ranged
 * download, and a two-row waveform that follows playback and seeks on click. Members are refused
 * the download by the server; its answer shows instead.
 */
export function RecordingPlayer({ run }: { run: Run }) {
  const recording = run.recording;
  const audio = useRef<HTMLAudioElement>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  const [wave, setWave] = useState<Waveform | null>(null);
  const [problem, setProblem] = useState<string | null>(null);

  useEffect(() => {
    setWave(null);
    setProblem(null);
    if (!recording || recording.bytes > WAVEFORM_MAX_BYTES) return;
    let live = true;
    fetch(recording.url, { credentials: 'same-origin' })
      .then(async (res) => {
        if (!res.ok) {
          const body = (await res.json().catch(() => null)) as { error?: { message?: string } } | null;
          throw new Error(body?.error?.message ?? `the recording could not be loaded (${res.status})`);
        }
        return wavPeaks(await res.arrayBuffer(), COLUMNS);
      })
      .then((w) => live && setWave(w), (err: unknown) => live && setProblem(err instanceof Error ? err.message : String(err)));
    return () => {
      live = false;
    };
  }, [recording?.url, recording?.bytes]);

  useEffect(() => {
    const el = audio.current;
    const c = canvas.current;
    if (!el || !c || !wave) return;
    const redraw = () => draw(c, wave, el.duration > 0 ? el.currentTime / el.duration : 0);
    redraw();
    el.addEventListener('timeupdate', redraw);
    el.addEventListener('seeked', redraw);
    return () => {
      el.removeEventListener('timeupdate', redraw);
      el.removeEventListener('seeked', redraw);
    };
  }, [wave]);

  if (!recording) return <p class="muted">No recording (the agent does not record calls, or the recording was deleted after the retention period).</p>;
  const seek = (e: MouseEvent) => {
    const el = audio.current;
    const c = canvas.current;
    if (!el || !c || !(el.duration > 0)) return;
    el.currentTime = (e.offsetX / c.clientWidth) * el.duration;
  };
  return (
    <div class="recording">
      {problem ? <p class="error">{problem}</p> : null}
      {wave ? (
        <canvas ref={canvas} class="waveform" width={wave.channels[0]!.length} height={ROW_HEIGHT * Math.min(2, wave.channels.length)} onClick={seek} aria-label="Waveform: caller above, agent below" />
      ) : null}
      <audio ref={audio} controls preload="metadata" src={recording.url} />
      <p class="muted">
        {(recording.duration_ms / 1000).toFixed(1)} s · {recording.channels === 2 ? 'caller left, agent right' : `${recording.channels} channel`} · {recording.sample_rate} Hz ·{' '}
        <a href={recording.url} download>
          download WAV
        </a>
      </p>
    </div>
  );
}
