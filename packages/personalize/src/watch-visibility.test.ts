import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FakeIntersectionObserver } from './fake-intersection-observer';
import { watchVisibility } from './watch-visibility';

let el: HTMLElement;
let visibility: DocumentVisibilityState;

beforeEach(() => {
  vi.useFakeTimers();
  vi.stubGlobal('IntersectionObserver', FakeIntersectionObserver);
  visibility = 'visible';
  vi.spyOn(document, 'visibilityState', 'get').mockImplementation(() => visibility);
  el = document.createElement('div');
  document.body.appendChild(el);
});

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
  FakeIntersectionObserver.all.clear();
  document.body.replaceChildren();
});

describe('watchVisibility', () => {
  it('fires once after half the element was visible for one second, then stops observing', () => {
    const seen = vi.fn();
    watchVisibility(el, seen);
    FakeIntersectionObserver.show(el, 0.6);
    vi.advanceTimersByTime(999);
    expect(seen).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(seen).toHaveBeenCalledTimes(1);
    expect(FakeIntersectionObserver.observed()).toEqual([]);
    FakeIntersectionObserver.show(el, 1);
    vi.advanceTimersByTime(5000);
    expect(seen).toHaveBeenCalledTimes(1);
  });

  it('does not fire when less than half is visible, however long', () => {
    const seen = vi.fn();
    watchVisibility(el, seen);
    FakeIntersectionObserver.show(el, 0.4);
    vi.advanceTimersByTime(10_000);
    expect(seen).not.toHaveBeenCalled();
  });

  it('restarts the second when the element leaves the viewport before it is up', () => {
    const seen = vi.fn();
    watchVisibility(el, seen);
    FakeIntersectionObserver.show(el, 0.8);
    vi.advanceTimersByTime(700);
    FakeIntersectionObserver.show(el, 0.2);
    vi.advanceTimersByTime(700);
    FakeIntersectionObserver.show(el, 0.8);
    vi.advanceTimersByTime(700);
    expect(seen).not.toHaveBeenCalled();
    vi.advanceTimersByTime(300);
    expect(seen).toHaveBeenCalledTimes(1);
  });

  it('pauses while the tab is hidden', () => {
    const seen = vi.fn();
    watchVisibility(el, seen);
    FakeIntersectionObserver.show(el, 1);
    vi.advanceTimersByTime(500);
    visibility = 'hidden';
    document.dispatchEvent(new Event('visibilitychange'));
    vi.advanceTimersByTime(5000);
    expect(seen).not.toHaveBeenCalled();
    visibility = 'visible';
    document.dispatchEvent(new Event('visibilitychange'));
    vi.advanceTimersByTime(1000);
    expect(seen).toHaveBeenCalledTimes(1);
  });

  it('stops on demand', () => {
    const seen = vi.fn();
    const stop = watchVisibility(el, seen);
    FakeIntersectionObserver.show(el, 1);
    stop();
    vi.advanceTimersByTime(2000);
    expect(seen).not.toHaveBeenCalled();
  });
});
