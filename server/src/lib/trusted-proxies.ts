import type { Server } from "bun";

/**
 * Which peers may say who the client is (`LLMIO_TRUSTED_PROXIES`): only a request arriving from
 * one of these networks has its `X-Forwarded-For` / `X-Real-IP` read; from anyone else those
 * headers are ignored, since any caller could send them to pose as another address (and dodge
 * the lockout or limits of its own).
 */
export class TrustedProxies {
  /** Trusts nobody: the socket's address is always the client's. */
  static readonly none = new TrustedProxies([]);

  private constructor(private readonly networks: readonly Network[]) {}

  /**
   * Parses a comma-separated list of CIDRs (`10.0.0.0/8`, `::1/128`) or bare addresses (a host);
   * throws naming the first entry that is neither.
   */
  static parse(list: string): TrustedProxies {
    const networks: Network[] = [];
    for (const entry of list.split(",").map((part) => part.trim()).filter(Boolean)) {
      const network = parseNetwork(entry);
      if (!network) throw new Error(`"${entry}" is not an IPv4 or IPv6 address or CIDR (like 10.0.0.0/8 or ::1/128)`);
      networks.push(network);
    }
    return new TrustedProxies(networks);
  }

  get size(): number {
    return this.networks.length;
  }

  /** Whether the address (IPv4, IPv6, IPv4-mapped IPv6) lies in a trusted network. */
  contains(address: string): boolean {
    const bytes = parseAddress(address);
    return bytes !== undefined && this.networks.some((network) => inNetwork(bytes, network));
  }

  /**
   * The client's address for a request whose socket peer is `peer`: the peer itself unless it is
   * trusted; else, walking `X-Forwarded-For` from the right, the first address that is not a
   * trusted proxy (the ones left of it were written by the client, who can forge them); when every
   * hop is trusted, the left-most. Without `X-Forwarded-For`, a valid `X-Real-IP`.
   */
  clientAddress(peer: string | undefined, headers: Headers): string | undefined {
    // Most gateways trust nobody: the peer is the answer without parsing it.
    if (peer === undefined || this.networks.length === 0 || !this.contains(peer)) return peer;
    const forwarded = headers.get("x-forwarded-for");
    if (forwarded !== null) return this.walkForwardedChain(forwarded, peer);
    const realIp = stripPort(headers.get("x-real-ip")?.trim() ?? "");
    return realIp !== "" && parseAddress(realIp) !== undefined ? canonical(realIp) : peer;
  }

  /** The right-most untrusted address of the chain; a malformed entry ends the walk at the last good hop. */
  private walkForwardedChain(forwarded: string, peer: string): string {
    const hops = forwarded.split(",").map((hop) => stripPort(hop.trim())).filter(Boolean);
    let nearest = peer;
    for (let index = hops.length - 1; index >= 0; index--) {
      const hop = hops[index];
      if (parseAddress(hop) === undefined) return nearest;
      nearest = canonical(hop);
      if (!this.contains(hop)) return nearest;
    }
    return nearest;
  }
}

/** The client address of a request, as `trusted` allows it to be told (see `TrustedProxies.clientAddress`). */
export function clientAddressOf(request: Request, server: Server<unknown> | null | undefined, trusted: TrustedProxies | undefined): string | undefined {
  const peer = server?.requestIP(request)?.address;
  return (trusted ?? TrustedProxies.none).clientAddress(peer, request.headers);
}

interface Network {
  bytes: Uint8Array;
  prefixBits: number;
}

function parseNetwork(entry: string): Network | undefined {
  const slash = entry.indexOf("/");
  const bytes = parseAddress(slash < 0 ? entry : entry.slice(0, slash));
  if (!bytes) return undefined;
  const maxBits = bytes.length * 8;
  if (slash < 0) return { bytes, prefixBits: maxBits };
  const prefixText = entry.slice(slash + 1);
  const prefixBits = Number(prefixText);
  if (!/^\d{1,3}$/.test(prefixText) || prefixBits > maxBits) return undefined;
  return { bytes, prefixBits };
}

function inNetwork(address: Uint8Array, network: Network): boolean {
  if (address.length !== network.bytes.length) return false;
  let bits = network.prefixBits;
  for (let index = 0; bits > 0; index++, bits -= 8) {
    const mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
    if ((address[index] & mask) !== (network.bytes[index] & mask)) return false;
  }
  return true;
}

/** `1.2.3.4:5678` → `1.2.3.4`, `[::1]:80` → `::1`; other forms unchanged. */
function stripPort(hop: string): string {
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(hop);
  if (bracketed) return bracketed[1];
  const v4WithPort = /^(\d{1,3}(?:\.\d{1,3}){3}):\d+$/.exec(hop);
  return v4WithPort ? v4WithPort[1] : hop;
}

/** An IPv4-mapped IPv6 address as its IPv4 form, so logs and the lockout see one name per client. */
function canonical(address: string): string {
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address);
  return mapped ? mapped[1] : address;
}

/** 4 bytes for IPv4 (and IPv4-mapped IPv6), 16 for IPv6; undefined when it is not an address. */
export function parseAddress(text: string): Uint8Array | undefined {
  const address = canonical(text.trim());
  if (address.includes(":")) return parseIpv6(address);
  return parseIpv4(address);
}

function parseIpv4(text: string): Uint8Array | undefined {
  const parts = text.split(".");
  if (parts.length !== 4) return undefined;
  const bytes = new Uint8Array(4);
  for (const [index, part] of parts.entries()) {
    if (!/^\d{1,3}$/.test(part) || Number(part) > 255) return undefined;
    bytes[index] = Number(part);
  }
  return bytes;
}

function parseIpv6(text: string): Uint8Array | undefined {
  // A zone (`fe80::1%eth0`) names an interface, not part of the address.
  const address = text.replace(/%.*$/, "");
  const halves = address.split("::");
  if (halves.length > 2) return undefined;
  const groupsOf = (half: string): number[] | undefined => {
    if (half === "") return [];
    const groups: number[] = [];
    const parts = half.split(":");
    for (const [index, part] of parts.entries()) {
      if (index === parts.length - 1 && part.includes(".")) {
        const v4 = parseIpv4(part);
        if (!v4) return undefined;
        groups.push((v4[0] << 8) | v4[1], (v4[2] << 8) | v4[3]);
      } else {
        if (!/^[0-9a-f]{1,4}$/i.test(part)) return undefined;
        groups.push(parseInt(part, 16));
      }
    }
    return groups;
  };
  const head = groupsOf(halves[0]);
  const tail = halves.length === 2 ? groupsOf(halves[1]) : [];
  if (!head || !tail) return undefined;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined;
  const groups = [...head, ...Array<number>(halves.length === 2 ? missing : 0).fill(0), ...tail];
  const bytes = new Uint8Array(16);
  groups.forEach((group, index) => {
    bytes[index * 2] = group >> 8;
    bytes[index * 2 + 1] = group & 0xff;
  });
  return bytes;
}
