import { describe, expect, it } from 'vitest';
import { slowestAnswerDuring } from './responsiveness';

describe('slowestAnswerDuring', () => {
  it('sees a blocked event loop, wherever the block falls between two questions', async () => {
    for (const pauseMs of [0, 7, 15, 30]) {
      const { value, slowestMs } = await slowestAnswerDuring(async () => {
        await new Promise((resolve) => setTimeout(resolve, pauseMs));
        const until = performance.now() + 300;
        while (performance.now() < until);
        return 'done';
      });
      expect(value).toBe('done');
      // To within the pause between two questions.
      expect(slowestMs).toBeGreaterThanOrEqual(250);
    }
  });
});
