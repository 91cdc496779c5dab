/**
 * Recording files: a compact, versioned, gzip'd line-protocol format (format.ts) with a streaming reader and
 * a writer. Used by the recordings/replays API (server/replay/) and available to any code that replays points.
 */
export { openRecording, RecordingError, type RecordingChunk } from './reader.ts';
export { RecordingWriter } from './writer.ts';
export { FORMAT_NAME, FORMAT_VERSION, RECORDING_EXT, pointLine } from './format.ts';
export {
  BATCH_RECORDING_EXT, BatchRecordingWriter, openBatchRecording, encodeBatch, decodeBatch, type RecordedBatch,
} from './batches.ts';
