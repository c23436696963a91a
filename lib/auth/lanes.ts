/** A place in a lane: `turn` resolves when its work may start; `leave` gives the place up, at any point, once or more. */
export interface Place {
  readonly turn: Promise<void>;
  leave(): void;
}

export interface LaneLimits {
  running: number;
  waiting: number;
}

export interface Lane {
  /** A place, running now or waiting its turn; null when the lane is full. Never waits to answer. */
  enter(): Place | null;
}

/**
 * At most `running` at once and `waiting` in line behind them, first come first served; anyone
 * past that is turned away at once, so a flood holds a fixed number of places and no more.
 */
export function createLane(limits: LaneLimits): Lane {
  let running = 0;
  const line: (() => void)[] = [];

  return {
    enter() {
      if (running >= limits.running && line.length >= limits.waiting) return null;
      let state: 'waiting' | 'running' | 'left' = 'waiting';
      let start!: () => void;
      const turn = new Promise<void>((resolve) => {
        start = () => {
          state = 'running';
          running++;
          resolve();
        };
      });
      if (running < limits.running) start();
      else line.push(start);
      return {
        turn,
        leave() {
          if (state === 'running') {
            running--;
            line.shift()?.();
          } else if (state === 'waiting') {
            line.splice(line.indexOf(start), 1);
          }
          state = 'left';
        },
      };
    },
  };
}
