import en from '../../messages/en';
import { describe, expect, it } from 'vitest';
import type { RunSummary } from '../runs/types';
import { sourceLabel, statusLabel } from './run-view';

describe('run labels', () => {
  it('say each status in words', () => {
    const statuses: RunSummary['status'][] = ['running', 'completed', 'failed', 'cancelled', 'interrupted'];
    expect(statuses.map((s) => statusLabel(s, en))).toEqual(['Running', 'Completed', 'Stopped by an error', 'Cancelled', 'Interrupted']);
  });

  it('say each source in words', () => {
    const sources: RunSummary['source'][] = ['form', 'csv', 'retry', 'restore'];
    expect(sources.map((s) => sourceLabel(s, en))).toEqual(['Form', 'CSV upload', 'Retry of failed users', 'Restore']);
  });
});
