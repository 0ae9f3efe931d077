import { describe, expect, it } from "vitest";
import { expectedShares } from "./traffic-share.ts";

const associations = [
  { id: 1, providerId: 10, weight: 3, enabled: true },
  { id: 2, providerId: 20, weight: 1, enabled: true },
  { id: 3, providerId: 30, weight: 4, enabled: false },
  { id: 4, providerId: 40, weight: 4, enabled: true },
];
const all = () => true;

describe("expected traffic share", () => {
  it("follows the weights of the associations that get traffic", () => {
    expect([...expectedShares(associations, { pinnedProviderId: null, providerEnabled: all })]).toEqual([
      [1, 3 / 8],
      [2, 1 / 8],
      [3, 0],
      [4, 4 / 8],
    ]);
  });

  it("a disabled provider gets 0 and the others share its part", () => {
    const shares = expectedShares(associations, { pinnedProviderId: null, providerEnabled: (id) => id !== 40 });
    expect(shares.get(4)).toBe(0);
    expect(shares.get(1)).toBe(3 / 4);
    expect(shares.get(2)).toBe(1 / 4);
  });

  it("a model pinned to one provider gives every other provider 0", () => {
    const shares = expectedShares(associations, { pinnedProviderId: 20, providerEnabled: all });
    expect([...shares.values()]).toEqual([0, 1, 0, 0]);
  });

  it("a pin to a provider that cannot serve is ignored, as the gateway ignores it", () => {
    const disabledPin = expectedShares(associations, { pinnedProviderId: 40, providerEnabled: (id) => id !== 40 });
    expect(disabledPin.get(1)).toBe(3 / 4);
    const offRoute = expectedShares(associations, { pinnedProviderId: 30, providerEnabled: all });
    expect(offRoute.get(4)).toBe(4 / 8);
  });

  it("all weights 0: nobody expects a share", () => {
    expect([...expectedShares([{ id: 1, providerId: 1, weight: 0, enabled: true }], { pinnedProviderId: null, providerEnabled: all }).values()]).toEqual([0]);
  });
});
