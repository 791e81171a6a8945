/**
 * Window (ms) for repeated log lines: the first line of each reason is logged at once, later
 * ones in the same window are counted and reported in one summary line when it ends. A peer
 * sending 20 000 bad frames then costs 1 line + 1 summary per window, not 20 000 lines.
 */
export const LOG_REPEAT_WINDOW_MS = 10_000;
/** Distinct reasons tracked at once; beyond it, unseen reasons share one bucket (`other`). */
export const LOG_MAX_REASONS = 256;
