import type { RecordingsSettings } from '@vr3/recordings';
import type { ControlPlaneConfig } from '../config.ts';

/** The control-plane settings of the parsed `VR3_RECORDINGS_*` variables (the spool dir is the media-edge's). */
export function recordingsConfig(s: RecordingsSettings): Pick<ControlPlaneConfig, 'recordings' | 'recordingRetentionDays' | 'recordingSweepIntervalMs'> {
  return { recordings: s.storage, recordingRetentionDays: s.retentionDays, recordingSweepIntervalMs: s.sweepIntervalMs };
}
