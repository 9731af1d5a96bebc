/**
 * Idle sign-out: the session ends after `idleMs` without user input. Pure: the caller feeds input
 * (`touch`) and asks (`check`) with the time; the browser wiring (web/src/auth.ts) calls `check` from
 * a timer and `touch` from keyboard, pointer and wheel events.
 */
export interface IdleWatch {
  /** Input happened at `now`. */
  touch(now: number): void;
  /** Calls onIdle once when `now` is idleMs or more after the last input; true if it did. */
  check(now: number): boolean;
  /** Milliseconds left before sign-out (0 when idle). */
  remaining(now: number): number;
}

export function idleWatch(idleMs: number, start: number, onIdle: () => void): IdleWatch {
  if (!(idleMs > 0)) throw new Error('idleMs must be positive');
  let last = start;
  let fired = false;
  return {
    touch(now) {
      if (!fired && now > last) last = now;
    },
    check(now) {
      if (fired || now - last < idleMs) return false;
      fired = true;
      onIdle();
      return true;
    },
    remaining(now) {
      return fired ? 0 : Math.max(0, idleMs - (now - last));
    },
  };
}
