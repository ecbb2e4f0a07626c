import { describe, expect, it } from "vitest";
import { formatIpAddress, isValidHostName, parseIpAddress } from "../../src/csr/names.js";

describe("isValidHostName", () => {
  it.each([
    ["example.com", true],
    ["API.Example.COM", true],
    ["*.example.com", true],
    ["xn--bcher-kva.example", true],
    ["a-b.example.com", true],
    [`${"a".repeat(63)}.com`, true],
    ["*.com", false],
    ["w*.example.com", false],
    ["a.*.example.com", false],
    ["bücher.example", false],
    ["a_b.example.com", false],
    ["a b.example.com", false],
    ["localhost", false],
    ["com", false],
    ["example.com.", false],
    ["-a.example.com", false],
    ["a-.example.com", false],
    ["example.123", false],
    [`${"a".repeat(64)}.com`, false],
    [`${"a.".repeat(126)}com`, false],
    ["", false],
  ])("%s → %s", (name, ok) => {
    expect(isValidHostName(name)).toBe(ok);
  });
  it("refuses wildcards when asked to", () => {
    expect(isValidHostName("*.example.com", { allowWildcard: false })).toBe(false);
  });
});

describe("parseIpAddress", () => {
  it.each([
    ["10.0.0.7", "10.0.0.7", 4],
    ["255.255.255.255", "255.255.255.255", 4],
    ["::1", "::1", 16],
    ["2001:0DB8:0:0:1:0:0:1", "2001:db8::1:0:0:1", 16],
    ["2001:db8:0:0:0:0:2:1", "2001:db8::2:1", 16],
    ["2001:db8::", "2001:db8::", 16],
    ["::ffff:192.0.2.1", "::ffff:192.0.2.1", 16],
    ["2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1", 16],
  ])("%s → %s", (text, canonical, len) => {
    const ip = parseIpAddress(text);
    expect(ip?.text).toBe(canonical);
    expect(ip?.bytes.length).toBe(len);
  });
  it.each(["256.1.1.1", "01.2.3.4", "1.2.3", "fe80::1%eth0", "1:2:3:4:5:6:7:8:9", "example.com", "", "::g"])("refuses %s", (text) => {
    expect(parseIpAddress(text)).toBeNull();
  });
});

describe("formatIpAddress", () => {
  it("uses :: for the longest run of zero groups, first on ties (RFC 5952 §4.2.3)", () => {
    const b = new Uint8Array(16);
    b[1] = 1; // 0001:0:0:…
    b[9] = 1; // group 4 = 1
    expect(formatIpAddress(b)).toBe("1::1:0:0:0");
  });
  it("does not shorten a single zero group (RFC 5952 §4.2.2)", () => {
    const b = Uint8Array.from([0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1]);
    expect(formatIpAddress(b)).toBe("2001:db8:0:1:1:1:1:1");
  });
  it("throws TypeError for other lengths", () => {
    expect(() => formatIpAddress(new Uint8Array(5))).toThrow(TypeError);
  });
});
