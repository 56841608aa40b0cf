import { describe, expect, it } from "vitest";
import { TimeBudgetExceeded, withinTimeBudget } from "./time-budget.ts";

const spin = (): number => {
  let count = 0;
  while (count >= 0) count = (count + 1) % 1000;
  return count;
};

describe("withinTimeBudget", () => {
  it("returns what the work returns, watched or not", () => {
    expect(withinTimeBudget(1000, 10, () => 42)).toBe(42);
    expect(withinTimeBudget(1000, 100_000, () => "watched")).toBe("watched");
  });

  it("stops synchronous work that runs past its budget", () => {
    expect(() => withinTimeBudget(50, 100_000, spin)).toThrow(TimeBudgetExceeded);
    // The next call is not affected by the one that was stopped.
    expect(withinTimeBudget(1000, 100_000, () => 1 + 1)).toBe(2);
  });

  it("passes the work's own errors through", () => {
    const failure = new RangeError("bad input");
    expect(() =>
      withinTimeBudget(1000, 100_000, () => {
        throw failure;
      }),
    ).toThrow(failure);
  });
});
