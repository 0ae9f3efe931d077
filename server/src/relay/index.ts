import { wireProtocols } from "../protocols/index.ts";
import { createCompactRelay } from "./compact.ts";
import { createTokenCounter } from "./count-tokens.ts";
import { createEmbeddingsRelay } from "./embeddings.ts";
import { createRelay, type RelayDeps } from "./relay.ts";

/** Every relay the proxy routes hand calls to. */
export function createRelays(deps: RelayDeps) {
  return {
    chat: createRelay(deps),
    countTokens: createTokenCounter(deps),
    embeddings: createEmbeddingsRelay(deps),
    compact: createCompactRelay(deps, wireProtocols["openai-responses"]),
  };
}

export type Relays = ReturnType<typeof createRelays>;
