import { releaseMemoryWhenIdle, type IdleReleaseProbe } from './memory-release';

const MB = 1024 * 1024;

describe('releaseMemoryWhenIdle', () => {
  let busy: number;
  let heap: number;
  let collections: number;
  let stop: () => void;
  const probe: IdleReleaseProbe = {
    busyShare: () => busy,
    heapBytes: () => heap,
    collect: () => {
      collections += 1;
      heap = 40 * MB;
    },
  };

  beforeEach(() => {
    jest.useFakeTimers();
    busy = 0.02;
    heap = 40 * MB;
    collections = 0;
    stop = releaseMemoryWhenIdle(probe);
  });
  afterEach(() => {
    stop();
    jest.useRealTimers();
  });

  it('collects once when the process is at rest and its heap has grown, not again while it stays the same', () => {
    heap = 100 * MB;
    jest.advanceTimersByTime(5_000);
    expect(collections).toBe(1);
    jest.advanceTimersByTime(60_000);
    expect(collections).toBe(1);
  });

  it('never collects while the event loop is busy (traffic), whatever the heap', () => {
    busy = 0.3;
    heap = 300 * MB;
    jest.advanceTimersByTime(120_000);
    expect(collections).toBe(0);
    busy = 0.01;
    jest.advanceTimersByTime(5_000);
    expect(collections).toBe(1);
  });

  it('leaves a heap that grew by less than 16 MB alone', () => {
    heap = 50 * MB;
    jest.advanceTimersByTime(60_000);
    expect(collections).toBe(0);
  });
});
