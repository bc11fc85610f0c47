-- How a run's provider socket closed (docs/agent-stream.md#close-codes): the code and reason of the
-- first close frame and which side sent it (`edge` or `peer`). Null on runs ended without a socket
-- close (the reaper's `edge_lost`, an outbound call whose stream never connected) and on older runs.
ALTER TABLE "workflow_runs"
  ADD COLUMN "close_code" INTEGER,
  ADD COLUMN "close_reason" TEXT,
  ADD COLUMN "close_initiator" TEXT;
