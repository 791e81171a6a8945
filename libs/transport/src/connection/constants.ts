/**
 * Silence after which a connection PINGs its peer. With DEFAULT_MISSED_HEARTBEATS a frozen peer
 * is declared dead after 2 s of silence, detected within 2.5 s (the check runs every half
 * interval). 0 disables. A busy connection sends no PING at all: any byte received counts.
 */
export const DEFAULT_HEARTBEAT_INTERVAL_MS = 1_000;
/** Silent intervals before the peer is declared dead (window = interval × this). */
export const DEFAULT_MISSED_HEARTBEATS = 2;
/** Close a connection with no application traffic and nothing in flight for this long. 0 = never. */
export const DEFAULT_IDLE_TIMEOUT_MS = 0;
/**
 * A frame whose first byte arrived must be complete within this long (read timeout), or the
 * connection closes with ReadTimeoutError. 8 MiB at 10 Mbit/s takes ~7 s. 0 disables.
 */
export const DEFAULT_FRAME_TIMEOUT_MS = 10_000;
/** Outgoing bytes (ours + the socket's) above which new calls are refused (client) or reading pauses (server). */
export const DEFAULT_MAX_WRITE_BUFFER_BYTES = 64 * 1024 * 1024;
/** Batches up to this size are copied into one buffer; larger ones go out as a vectored write. */
export const COALESCE_WRITE_BYTES = 256 * 1024;
/** How long a graceful close waits for the peer to finish the TCP close before destroying. */
export const CLOSE_GRACE_MS = 2_000;
/** A turn's batch is written at once when it reaches this many bytes or frames (pipelining under load). */
export const EARLY_FLUSH_BYTES = 32 * 1024;
export const EARLY_FLUSH_FRAMES = 64;
/** The first early write of a turn goes out at this many frames, each next one at twice as many (FlushSchedule). */
export const FIRST_EARLY_FLUSH_FRAMES = 8;
/** Batches whose frames average at least this many bytes go out as a vectored write: copying them costs more than writev's per-chunk overhead. */
export const WRITEV_MIN_AVERAGE_BYTES = 2 * 1024;
/**
 * Server side, while the write buffer is full: frames read but not started are held up to this
 * many bytes, then the socket is paused. Below it, reading goes on so CANCEL and PING get through.
 */
export const BACKLOG_MAX_BYTES = 1024 * 1024;
