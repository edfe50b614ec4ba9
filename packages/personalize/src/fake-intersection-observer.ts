/**
 * Test double for IntersectionObserver (happy-dom has none that computes layout):
 * `FakeIntersectionObserver.show(el, ratio)` delivers an entry to every observer of `el`.
 */
export class FakeIntersectionObserver {
  static all = new Set<FakeIntersectionObserver>();
  targets = new Set<Element>();
  constructor(private readonly cb: IntersectionObserverCallback) {
    FakeIntersectionObserver.all.add(this);
  }
  observe(el: Element): void {
    this.targets.add(el);
  }
  unobserve(el: Element): void {
    this.targets.delete(el);
  }
  disconnect(): void {
    this.targets.clear();
    FakeIntersectionObserver.all.delete(this);
  }
  takeRecords(): IntersectionObserverEntry[] {
    return [];
  }
  /** Report `el` as `ratio` visible to its observers. */
  static show(el: Element, ratio: number): void {
    for (const o of [...FakeIntersectionObserver.all]) {
      if (o.targets.has(el)) {
        o.cb([{ target: el, isIntersecting: ratio > 0, intersectionRatio: ratio } as IntersectionObserverEntry], o as unknown as IntersectionObserver);
      }
    }
  }
  /** Elements currently observed by any observer. */
  static observed(): Element[] {
    return [...FakeIntersectionObserver.all].flatMap((o) => [...o.targets]);
  }
}
