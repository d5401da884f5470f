import { addressesOverlap, hostAddress, parseAddress } from "../../lib/addresses";

/** Host addresses are parsed (ipaddr.js), so every spelling of one address, and of every interface, is one thing. */
describe("hostAddress: every spelling of all interfaces", () => {
  test.each([
    [""], ["   "], ["0.0.0.0"], ["::"], ["::0"], ["0:0:0:0:0:0:0:0"], ["0000:0000:0000:0000:0000:0000:0000:0000"], ["[::]"],
    ["::ffff:0.0.0.0"], ["::ffff:0:0"], ["::0.0.0.0"], ["0"], [" 0.0.0.0 "], ["\t::\n"], [undefined],
  ])("%j is every interface", (ip) => {
    expect(hostAddress(ip).kind).toBe("all");
  });
});

describe("hostAddress: one address, equal in every spelling", () => {
  test.each([
    ["::1", "0:0:0:0:0:0:0:1"],
    ["::1", "0000:0000:0000:0000:0000:0000:0000:0001"],
    ["127.0.0.1", "::ffff:127.0.0.1"],
    ["100.64.1.2", "::FFFF:100.64.1.2"],
    ["fd7a:115c:a1e0::1", "FD7A:115C:A1E0:0:0:0:0:1"],
  ])("%s is %s", (a, b) => {
    const [x, y] = [hostAddress(a), hostAddress(b)];
    expect(x.kind).toBe("one");
    expect(y.kind).toBe("one");
    expect(addressesOverlap(x, y)).toBe(true);
  });

  test.each([
    ["127.0.0.1", "127.0.0.2"],
    ["::1", "127.0.0.1"],
    ["100.64.1.2", "fd7a:115c:a1e0::1"],
  ])("%s and %s do not overlap", (a, b) => {
    expect(addressesOverlap(hostAddress(a), hostAddress(b))).toBe(false);
  });

  test.each(["0.0.0.0", "::", "::ffff:0.0.0.0", "0:0:0:0:0:0:0:0", ""])("%j overlaps any address", (all) => {
    for (const one of ["127.0.0.1", "::1", "100.64.1.2"]) expect(addressesOverlap(hostAddress(all), hostAddress(one))).toBe(true);
  });

  test("the canonical spelling is the IPv4 one for a mapped address and the compact one for IPv6", () => {
    expect(hostAddress("::ffff:127.0.0.1")).toMatchObject({ kind: "one", canonical: "127.0.0.1" });
    expect(hostAddress("0:0:0:0:0:0:0:1")).toMatchObject({ kind: "one", canonical: "::1" });
  });
});

describe("hostAddress: what Docker cannot read is invalid, never a specific address", () => {
  test.each([
    ["127.1", /inet_aton shorthand .* 127\.0\.0\.1/],
    ["0x7f.0.0.1", /shorthand/],
    ["127.000.0.1", /shorthand/],
    ["[::1]", /no brackets or spaces; write ::1/],
    [" 127.0.0.1", /no brackets or spaces; write 127\.0\.0\.1/],
    ["fe80::1%en0", /zone/],
    ["localhost", /not an IP address/],
    ["mini.example.ts.net", /not an IP address/],
    ["0.0.0.0/0", /not an IP address/],
    ["256.1.1.1", /not an IP address/],
    ["::ffff:0x7f.0.0.1", /not an IP address/],
  ])("%j is invalid", (ip, reason) => {
    const a = hostAddress(ip);
    expect(a.kind).toBe("invalid");
    expect(a.kind === "invalid" && a.reason).toMatch(reason);
  });

  test("an invalid address is assumed to overlap (older engines publish it on every interface)", () => {
    expect(addressesOverlap(hostAddress("localhost"), hostAddress("127.0.0.1"))).toBe(true);
  });
});

describe("parseAddress: the spellings Docker reads", () => {
  test.each(["127.0.0.1", "0.0.0.0", "::", "::1", "::ffff:127.0.0.1", "fd7a:115c:a1e0::1", "100.64.1.2"])("%s parses", (s) => {
    expect(parseAddress(s)).toBeDefined();
  });
  test.each(["", " 127.0.0.1", "[::1]", "127.1", "0", "010.0.0.1", "fe80::1%en0", "localhost", "1.2.3.4.5", "::ffff:1.2.3"])("%j does not", (s) => {
    expect(parseAddress(s)).toBeUndefined();
  });
});
