// Which addresses webhooks may reach (SSRF): public unicast only, unless the operator allows more.
import { describe, expect, it } from "vitest";
import { addressPolicy, literalAddress } from "../../src/domain/webhooks/addresses.js";

describe("the webhook address policy", () => {
  const closed = addressPolicy([]);

  it("allows public unicast addresses", () => {
    for (const address of ["93.184.216.34", "8.8.8.8", "2606:4700:4700::1111"]) expect(closed.refusal(address)).toBeUndefined();
  });

  it("refuses private, loopback, link-local and other special-use addresses, however they are written", () => {
    expect(
      Object.fromEntries(
        [
          "127.0.0.1",
          "127.1.2.3",
          "10.1.2.3",
          "172.16.0.1",
          "192.168.1.1",
          "169.254.169.254",
          "100.64.0.1",
          "0.0.0.0",
          "255.255.255.255",
          "224.0.0.1",
          "::1",
          "::",
          "fe80::1",
          "fd00::1",
          "::ffff:127.0.0.1",
          "::ffff:a9fe:a9fe",
          "64:ff9b::a00:1",
          "2002:7f00:1::1",
        ].map((address) => [address, closed.refusal(address)]),
      ),
    ).toEqual({
      "127.0.0.1": "loopback",
      "127.1.2.3": "loopback",
      "10.1.2.3": "private",
      "172.16.0.1": "private",
      "192.168.1.1": "private",
      "169.254.169.254": "linkLocal",
      "100.64.0.1": "carrierGradeNat",
      "0.0.0.0": "unspecified",
      "255.255.255.255": "broadcast",
      "224.0.0.1": "multicast",
      "::1": "loopback",
      "::": "unspecified",
      "fe80::1": "linkLocal",
      "fd00::1": "uniqueLocal",
      "::ffff:127.0.0.1": "loopback",
      "::ffff:a9fe:a9fe": "linkLocal",
      "64:ff9b::a00:1": "rfc6052",
      "2002:7f00:1::1": "6to4",
    });
    expect(closed.refusal("example.com")).toBe("not an IP address");
  });

  it("allows what the operator lists, and only that", () => {
    const open = addressPolicy(["127.0.0.1", "10.0.0.0/8", "fd00::/8", "::ffff:192.168.0.0/112"]);
    expect(open.refusal("127.0.0.1")).toBeUndefined();
    expect(open.refusal("::ffff:127.0.0.1")).toBeUndefined();
    expect(open.refusal("127.0.0.2")).toBe("loopback");
    expect(open.refusal("10.200.0.1")).toBeUndefined();
    expect(open.refusal("fd12::1")).toBeUndefined();
    expect(open.refusal("192.168.3.4")).toBeUndefined();
    expect(open.refusal("172.16.0.1")).toBe("private");
    expect(open.refusal("::1")).toBe("loopback");
  });

  it("finds IP literals in URLs, as the URL parser normalizes them", () => {
    expect(literalAddress(new URL("http://127.1/x"))).toBe("127.0.0.1");
    expect(literalAddress(new URL("http://0x7f000001/"))).toBe("127.0.0.1");
    expect(literalAddress(new URL("http://[::1]:8080/"))).toBe("::1");
    expect(literalAddress(new URL("https://hooks.example.com/"))).toBeUndefined();
    expect(literalAddress(new URL("https://1e100.net/"))).toBeUndefined();
  });
});
