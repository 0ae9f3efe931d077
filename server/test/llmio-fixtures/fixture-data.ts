/**
 * The LLMIO (atopos31/llmio) fixture's rows, encoded as LLMIO's Go driver stores them in SQLite,
 * and the plain description of what they mean (LlmioFixture without the file path). Pure: the
 * same options give the same rows.
 */
import { DAY_MS, goBool, goSqliteTime, gormJson, HOUR_MS, MINUTE_MS, SeededRandom } from "./deterministic.ts";
import type {
  FixtureLogs,
  FixtureOptions,
  FixtureTableCount,
  LlmioAssociationExpectation,
  LlmioFixture,
  LlmioKeyExpectation,
  LlmioModelExpectation,
  LlmioProviderExpectation,
  LlmioProviderType,
} from "./fixture-types.ts";
import { LLMIO_TABLES, type LlmioTable } from "./llmio-schema.ts";

export type SqliteCell = string | number | null;
export type SqliteRow = Record<string, SqliteCell>;

export const DEFAULT_PROXY_URL = "http://fixture:s3cret@127.0.0.1:3128";

/** LLMIO ran in China (+08:00); logs older than this many days were written while it ran in UTC. */
const CATALOG_OFFSET = 8 * 60;
const UTC_BEFORE_DAYS = 60;
const RETENTION_DAYS = 60;

interface ProviderSpec {
  id: number;
  name: string;
  type: LlmioProviderType;
  realHost: string;
  path: string;
  apiKey: string;
  version?: string;
  console: string;
  proxied: boolean;
  errorMatcher: string;
  deleted?: boolean;
}

const PROVIDERS: ProviderSpec[] = [
  {
    id: 1,
    name: "openai",
    type: "openai",
    realHost: "https://api.openai.com",
    path: "/v1",
    apiKey: "sk-fixture-openai-A1b2C3d4",
    console: "https://platform.openai.com/usage",
    proxied: true,
    errorMatcher: "insufficient_quota\nrate limit exceeded",
  },
  {
    id: 2,
    name: "OpenAI Responses",
    type: "openai-res",
    realHost: "https://api.openai.com",
    path: "/v1",
    apiKey: "sk-fixture-responses-E5f6",
    console: "",
    proxied: false,
    errorMatcher: "",
  },
  {
    id: 3,
    name: "anthropic-官方",
    type: "anthropic",
    realHost: "https://api.anthropic.com",
    path: "/v1",
    apiKey: "sk-ant-fixture-G7h8",
    version: "2023-01-01",
    console: "https://console.anthropic.com/settings/billing",
    proxied: true,
    errorMatcher: "overloaded_error\r\ncredit balance is too low",
  },
  {
    id: 4,
    name: "谷歌 Gemini",
    type: "gemini",
    realHost: "https://generativelanguage.googleapis.com",
    path: "/v1beta",
    apiKey: "AIzaFixtureGeminiKey-I9j0",
    console: "https://aistudio.google.com/usage",
    proxied: false,
    errorMatcher: "",
  },
  {
    id: 5,
    name: "深度求索",
    type: "openai",
    realHost: "https://api.deepseek.com",
    path: "/v1",
    apiKey: "sk-fixture-deepseek-K1l2",
    console: "https://platform.deepseek.com/usage",
    proxied: false,
    errorMatcher: "余额不足；Insufficient Balance",
  },
  {
    id: 6,
    name: "旧供应商",
    type: "openai",
    realHost: "https://old-relay.example.com",
    path: "/v1",
    apiKey: "sk-fixture-retired-M3n4",
    console: "",
    proxied: true,
    errorMatcher: "",
    deleted: true,
  },
];

const MODELS: Array<Omit<LlmioModelExpectation, "id"> & { id: number; deleted?: boolean }> = [
  { id: 1, name: "gpt-4o", remark: "主力模型 🚀", maxRetry: 3, timeOutSeconds: 60, strategy: "lottery", breaker: true, displayOrder: 50 },
  { id: 2, name: "claude-sonnet", remark: "", maxRetry: 2, timeOutSeconds: 120, strategy: "rotor", breaker: false, displayOrder: 40 },
  { id: 3, name: "gemini-2.5-flash", remark: "fast & cheap", maxRetry: 10, timeOutSeconds: 30, strategy: "lottery", breaker: null, displayOrder: 30 },
  { id: 4, name: "深度思考", remark: "中文推理模型", maxRetry: 5, timeOutSeconds: 300, strategy: "rotor", breaker: false, displayOrder: 20 },
  { id: 5, name: "o4-mini", remark: "Responses API", maxRetry: 1, timeOutSeconds: 90, strategy: "lottery", breaker: true, displayOrder: 10 },
  { id: 6, name: "deprecated-model", remark: "retired", maxRetry: 3, timeOutSeconds: 60, strategy: "lottery", breaker: false, displayOrder: 5, deleted: true },
];

type AssociationSpec = Omit<LlmioAssociationExpectation, "modelName" | "providerName"> & {
  modelId: number;
  providerId: number;
  deleted?: boolean;
};

const ASSOCIATIONS: AssociationSpec[] = [
  {
    id: 1, modelId: 1, providerId: 1, providerModel: "gpt-4o-2024-08-06",
    toolCall: true, structuredOutput: true, image: true, withHeader: false, enabled: true,
    customerHeaders: { "X-Team": "fixture", "X-Request-Source": "llmio-import" },
    extraBody: { metadata: { source: "llmio", tags: ["import", "e2e"], depth: { level: 2 } }, service_tier: "default" },
    weight: 10, inputPrice: 2.5, cacheReadPrice: 1.25, outputPrice: 10, currency: "USD",
  },
  {
    id: 2, modelId: 1, providerId: 5, providerModel: "deepseek-chat",
    toolCall: null, structuredOutput: null, image: false, withHeader: null, enabled: false,
    customerHeaders: {}, extraBody: null,
    weight: 5, inputPrice: 2, cacheReadPrice: 0.5, outputPrice: 8, currency: "CNY",
  },
  {
    id: 3, modelId: 1, providerId: 2, providerModel: "gpt-4o-legacy",
    toolCall: true, structuredOutput: false, image: false, withHeader: false, enabled: true,
    customerHeaders: {}, extraBody: null,
    weight: 1, inputPrice: 0, cacheReadPrice: 0, outputPrice: 0, currency: "CNY", deleted: true,
  },
  {
    id: 4, modelId: 2, providerId: 3, providerModel: "claude-sonnet-4-5",
    toolCall: true, structuredOutput: false, image: true, withHeader: true, enabled: true,
    customerHeaders: { "anthropic-beta": "prompt-caching-2024-07-31" },
    extraBody: { thinking: { type: "enabled", budget_tokens: 1024 } },
    weight: 1, inputPrice: 3, cacheReadPrice: 0.3, outputPrice: 15, currency: "USD",
  },
  {
    id: 5, modelId: 2, providerId: 3, providerModel: "claude-sonnet-4-0",
    toolCall: true, structuredOutput: null, image: null, withHeader: null, enabled: true,
    customerHeaders: null, extraBody: {},
    weight: 3, inputPrice: 0, cacheReadPrice: 0, outputPrice: 0, currency: "CNY",
  },
  {
    id: 6, modelId: 3, providerId: 4, providerModel: "gemini-2.5-flash",
    toolCall: true, structuredOutput: true, image: true, withHeader: false, enabled: true,
    customerHeaders: {}, extraBody: { generationConfig: { thinkingConfig: { thinkingBudget: 0 } } },
    weight: 1, inputPrice: 0.3, cacheReadPrice: 0.075, outputPrice: 2.5, currency: "USD",
  },
  {
    id: 7, modelId: 4, providerId: 5, providerModel: "deepseek-reasoner",
    toolCall: false, structuredOutput: null, image: false, withHeader: null, enabled: true,
    customerHeaders: { "X-Region": "cn-east" }, extraBody: { thinking: { type: "enabled" } },
    weight: 2, inputPrice: 4, cacheReadPrice: 1, outputPrice: 16, currency: "CNY",
  },
  {
    id: 8, modelId: 4, providerId: 1, providerModel: "o3",
    toolCall: true, structuredOutput: true, image: false, withHeader: false, enabled: true,
    customerHeaders: {}, extraBody: null,
    weight: 1, inputPrice: 2, cacheReadPrice: 0.5, outputPrice: 8, currency: "USD",
  },
  {
    id: 9, modelId: 5, providerId: 2, providerModel: "o4-mini",
    toolCall: true, structuredOutput: true, image: null, withHeader: false, enabled: true,
    customerHeaders: {}, extraBody: { reasoning: { effort: "low" } },
    weight: 1, inputPrice: 1.1, cacheReadPrice: 0.275, outputPrice: 4.4, currency: "USD",
  },
  // Live, but its model is soft-deleted (LLMIO's DeleteModel leaves associations alone).
  {
    id: 10, modelId: 6, providerId: 1, providerModel: "gpt-3.5-turbo",
    toolCall: false, structuredOutput: false, image: false, withHeader: false, enabled: true,
    customerHeaders: null, extraBody: null,
    weight: 1, inputPrice: null, cacheReadPrice: null, outputPrice: null, currency: "",
  },
  // Soft-deleted with its provider (DeleteProvider deletes the provider's associations too).
  {
    id: 11, modelId: 1, providerId: 6, providerModel: "gpt-4o",
    toolCall: true, structuredOutput: true, image: true, withHeader: false, enabled: true,
    customerHeaders: {}, extraBody: null,
    weight: 2, inputPrice: 2.5, cacheReadPrice: 1.25, outputPrice: 10, currency: "USD", deleted: true,
  },
];

interface KeySpec {
  id: number;
  name: string;
  length: number;
  enabled: boolean;
  ioLog: boolean | null;
  allowAll: boolean;
  models: string[] | null;
  /** Relative to now; null: never. */
  expiresInMs: number | null;
  usageCount: number;
  lastUsedAgoMs: number | null;
  deleted?: boolean;
}

const KEYS: KeySpec[] = [
  { id: 1, name: "laptop-全部", length: 32, enabled: true, ioLog: false, allowAll: true, models: [], expiresInMs: null, usageCount: 1234, lastUsedAgoMs: HOUR_MS },
  { id: 2, name: "vscode-plugin", length: 32, enabled: true, ioLog: null, allowAll: false, models: ["gpt-4o", "深度思考"], expiresInMs: 180 * DAY_MS, usageCount: 56, lastUsedAgoMs: 2 * DAY_MS },
  { id: 3, name: "disabled-ci", length: 32, enabled: false, ioLog: false, allowAll: true, models: null, expiresInMs: null, usageCount: 0, lastUsedAgoMs: null },
  { id: 4, name: "expired-contractor", length: 32, enabled: true, ioLog: false, allowAll: false, models: ["claude-sonnet"], expiresInMs: -3 * DAY_MS, usageCount: 9, lastUsedAgoMs: 5 * DAY_MS },
  // 36 characters: what LLMIO's handler actually generates (token.GenerateRandomChars(36)).
  { id: 5, name: "io-capture 📝", length: 36, enabled: true, ioLog: true, allowAll: true, models: [], expiresInMs: 30 * DAY_MS, usageCount: 77, lastUsedAgoMs: 10 * MINUTE_MS },
  { id: 6, name: "deleted-key", length: 32, enabled: true, ioLog: false, allowAll: true, models: [], expiresInMs: null, usageCount: 3, lastUsedAgoMs: 40 * DAY_MS, deleted: true },
];

export interface LlmioFixtureRows {
  rows: Record<LlmioTable, SqliteRow[]>;
  description: Omit<LlmioFixture, "path">;
}

export function buildLlmioFixtureRows(options: FixtureOptions = {}): LlmioFixtureRows {
  const now = options.now ?? new Date();
  const proxyUrl = options.proxyUrl ?? DEFAULT_PROXY_URL;
  const random = new SeededRandom(20);
  const ago = (ms: number) => new Date(now.getTime() - ms);
  const catalogTime = (instant: Date) => goSqliteTime(instant, CATALOG_OFFSET, random.int(0, 999_999));
  const deletedAt = ago(10 * DAY_MS);
  const stamps = (createdAgoMs: number, deleted = false) => ({
    created_at: catalogTime(ago(createdAgoMs)),
    updated_at: catalogTime(ago(createdAgoMs - HOUR_MS)),
    deleted_at: deleted ? goSqliteTime(deletedAt, CATALOG_OFFSET) : null,
  });
  const baseUrl = (spec: ProviderSpec) => `${options.upstreamUrl ?? spec.realHost}${spec.path}`;

  // ── providers ──
  const providerRows: SqliteRow[] = PROVIDERS.map((spec) => ({
    id: spec.id,
    ...stamps((120 - spec.id) * DAY_MS, spec.deleted),
    name: spec.name,
    type: spec.type,
    config: JSON.stringify({ base_url: baseUrl(spec), api_key: spec.apiKey, ...(spec.version ? { version: spec.version } : {}) }),
    console: spec.console,
    proxy: spec.proxied ? proxyUrl : "",
    error_matcher: spec.errorMatcher,
  }));
  const providers: LlmioProviderExpectation[] = PROVIDERS.filter((spec) => !spec.deleted).map((spec) => ({
    id: spec.id,
    name: spec.name,
    type: spec.type,
    baseUrl: baseUrl(spec),
    apiKey: spec.apiKey,
    version: spec.version ?? null,
    console: spec.console,
    proxy: spec.proxied ? proxyUrl : "",
    errorMatcher: spec.errorMatcher,
    errorMatchers: spec.errorMatcher.split(/[\r\n;；]+/).map((part) => part.trim()).filter(Boolean),
  }));

  // ── models ──
  const modelRows: SqliteRow[] = MODELS.map((model) => ({
    id: model.id,
    ...stamps((110 - model.id) * DAY_MS, model.deleted),
    name: model.name,
    remark: model.remark,
    max_retry: model.maxRetry,
    time_out: model.timeOutSeconds,
    strategy: model.strategy,
    breaker: goBool(model.breaker),
    display_order: model.displayOrder,
  }));
  const models: LlmioModelExpectation[] = MODELS.filter((model) => !model.deleted).map(({ deleted: _, ...model }) => model);

  // ── model_with_providers ──
  const providerById = new Map(PROVIDERS.map((spec) => [spec.id, spec]));
  const modelById = new Map(MODELS.map((model) => [model.id, model]));
  const associationRows: SqliteRow[] = ASSOCIATIONS.map((association) => ({
    id: association.id,
    ...stamps((100 - association.id) * DAY_MS, false),
    // Deleted with its provider: the same instant.
    ...(association.deleted ? { deleted_at: goSqliteTime(deletedAt, CATALOG_OFFSET) } : {}),
    model_id: association.modelId,
    provider_model: association.providerModel,
    provider_id: association.providerId,
    tool_call: goBool(association.toolCall),
    structured_output: goBool(association.structuredOutput),
    image: goBool(association.image),
    with_header: goBool(association.withHeader),
    status: goBool(association.enabled),
    customer_headers: gormJson(association.customerHeaders),
    extra_body: gormJson(association.extraBody),
    weight: association.weight,
    input_price: association.inputPrice,
    cache_read_price: association.cacheReadPrice,
    output_price: association.outputPrice,
    currency: association.currency,
  }));
  const associationName = (association: AssociationSpec) =>
    `${modelById.get(association.modelId)!.name} → ${providerById.get(association.providerId)!.name}/${association.providerModel}`;
  const usable = (association: AssociationSpec) =>
    !association.deleted && !modelById.get(association.modelId)!.deleted && !providerById.get(association.providerId)!.deleted;
  const associations: LlmioAssociationExpectation[] = ASSOCIATIONS.filter(usable).map(({ modelId, providerId, deleted: _, ...rest }) => ({
    ...rest,
    modelName: modelById.get(modelId)!.name,
    providerName: providerById.get(providerId)!.name,
  }));
  const orphanRows = ASSOCIATIONS.filter((association) => !association.deleted && !usable(association)).map((association) => ({
    table: "model_with_providers",
    id: association.id,
    name: associationName(association),
    reason: "its model is soft-deleted",
  }));

  // ── auth_keys ──
  const keyRandom = new SeededRandom(2026);
  const secrets = new Map(KEYS.map((spec) => [spec.id, `sk-llmio-${keyRandom.chars(spec.length)}`]));
  const keyRows: SqliteRow[] = KEYS.map((spec) => ({
    id: spec.id,
    ...stamps((90 - spec.id) * DAY_MS, spec.deleted),
    name: spec.name,
    key: secrets.get(spec.id)!,
    status: goBool(spec.enabled),
    io_log: goBool(spec.ioLog),
    allow_all: goBool(spec.allowAll),
    models: gormJson(spec.models),
    expires_at: spec.expiresInMs === null ? null : goSqliteTime(new Date(now.getTime() + spec.expiresInMs), CATALOG_OFFSET),
    usage_count: spec.usageCount,
    last_used_at: spec.lastUsedAgoMs === null ? null : catalogTime(ago(spec.lastUsedAgoMs)),
  }));
  const authKeys: LlmioKeyExpectation[] = KEYS.filter((spec) => !spec.deleted).map((spec) => ({
    id: spec.id,
    name: spec.name,
    key: secrets.get(spec.id)!,
    enabled: spec.enabled,
    ioLog: spec.ioLog,
    allowAll: spec.allowAll,
    models: spec.models,
    expiresAt: spec.expiresInMs === null ? null : new Date(now.getTime() + spec.expiresInMs),
    expired: spec.expiresInMs !== null && spec.expiresInMs < 0,
    usageCount: spec.usageCount,
    lastUsedAt: spec.lastUsedAgoMs === null ? null : ago(spec.lastUsedAgoMs),
  }));

  // ── configs ──
  const anthropic = PROVIDERS.find((spec) => spec.type === "anthropic")!;
  const anthropicCountTokens = { baseUrl: baseUrl(anthropic), apiKey: "sk-ant-count-tokens-P5q6", version: "2023-06-01" };
  const configRows: SqliteRow[] = [
    { id: 1, ...stamps(120 * DAY_MS, true), key: "log_cleanup_policy", value: JSON.stringify({ enabled: false, retention_days: 30 }) },
    { id: 2, ...stamps(9 * DAY_MS), key: "log_cleanup_policy", value: JSON.stringify({ enabled: true, retention_days: RETENTION_DAYS }) },
    {
      id: 3,
      ...stamps(100 * DAY_MS),
      key: "anthropic_count_tokens",
      value: JSON.stringify({ base_url: anthropicCountTokens.baseUrl, api_key: anthropicCountTokens.apiKey, version: anthropicCountTokens.version }),
    },
  ];

  // ── log_cleanup_records ──
  const cleanupRows: SqliteRow[] = [
    { id: 1, ...stamps(30 * DAY_MS), retention_days: 30, deleted_count: 412, duration_ms: 38, source: "manual", type: "days" },
    { id: 2, ...stamps(20 * DAY_MS), retention_days: 0, deleted_count: 15, duration_ms: 4, source: "manual", type: "count" },
    { id: 3, ...stamps(1 * DAY_MS), retention_days: RETENTION_DAYS, deleted_count: 0, duration_ms: 2, source: "scheduled", type: "days" },
  ];

  const logs = buildLogs(now, random, providerById, modelById);

  const rows: Record<LlmioTable, SqliteRow[]> = {
    providers: providerRows,
    models: modelRows,
    model_with_providers: associationRows,
    chat_logs: logs.rows,
    chat_ios: logs.bodyRows,
    configs: configRows,
    auth_keys: keyRows,
    log_cleanup_records: cleanupRows,
  };
  const tables = Object.fromEntries(
    LLMIO_TABLES.map((table): [LlmioTable, FixtureTableCount] => [
      table,
      { rows: rows[table].length, deleted: rows[table].filter((row) => row.deleted_at !== null).length },
    ]),
  ) as Record<LlmioTable, FixtureTableCount>;

  const keyNames = {
    allModels: KEYS[0].name,
    limited: KEYS[1].name,
    disabled: KEYS[2].name,
    expired: KEYS[3].name,
    ioLog: KEYS[4].name,
    deleted: KEYS[5].name,
  };
  const e2eAssociation = ASSOCIATIONS[0];
  const e2eProvider = providerById.get(e2eAssociation.providerId)!;
  return {
    rows,
    description: {
      variant: "llmio",
      now,
      upstreamUrl: options.upstreamUrl ?? null,
      proxyUrl,
      providers,
      models,
      associations,
      authKeys,
      orphanRows,
      deleted: {
        providers: PROVIDERS.filter((spec) => spec.deleted).map((spec) => spec.name),
        models: MODELS.filter((model) => model.deleted).map((model) => model.name),
        associations: ASSOCIATIONS.filter((association) => association.deleted).map(associationName),
        authKeys: KEYS.filter((spec) => spec.deleted).map((spec) => spec.name),
        configs: ["log_cleanup_policy"],
        chatLogIds: logs.deletedIds,
      },
      tables,
      keySecrets: Object.fromEntries(authKeys.map((key) => [key.name, key.key])),
      deletedKeySecrets: Object.fromEntries(KEYS.filter((spec) => spec.deleted).map((spec) => [spec.name, secrets.get(spec.id)!])),
      keyNames,
      expiredKeyName: keyNames.expired,
      configs: { logCleanupPolicy: { enabled: true, retentionDays: RETENTION_DAYS }, anthropicCountTokens },
      logCleanupRecords: cleanupRows.length,
      logs: logs.description,
      e2e: {
        keyName: keyNames.limited,
        key: secrets.get(2)!,
        modelName: modelById.get(e2eAssociation.modelId)!.name,
        providerName: e2eProvider.name,
        providerModel: e2eAssociation.providerModel,
        style: e2eProvider.type,
        upstreamApiKey: e2eProvider.apiKey,
        extraBody: e2eAssociation.extraBody!,
        headers: e2eAssociation.customerHeaders!,
        proxyUrl,
      },
    },
  };
}

// ── chat_logs / chat_ios ──

const TRACES = 240;
const USER_AGENTS = [
  "claude-cli/1.0.98 (external, cli)",
  "OpenAI/Python 1.99.9",
  "Go-http-client/1.1",
  "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36",
  "Cherry Studio/1.5.3 (中文版)",
];
const REMOTE_IPS = ["192.168.1.23", "10.0.0.7", "::1", "2001:db8::42", "127.0.0.1"];
const ERRORS = [
  'status: 429, body: {"error":{"message":"rate limit exceeded","type":"rate_limit_error"}}',
  'status: 500, body: {"error":{"message":"上游服务暂时不可用"}}',
  "Post \"https://upstream/v1/chat/completions\": context deadline exceeded",
  'response matched provider error sample "insufficient_quota", body: {"error":{"code":"insufficient_quota"}}',
];
/** auth_key_id values requests came with: live keys, 0 (no key: LLMIO's TOKEN), a deleted key, a disabled one. */
const LOG_KEY_IDS = [1, 2, 4, 5, 0, 6, 3, 1, 2, 5];

interface LogRoute {
  model: string;
  provider: ProviderSpec;
  association: AssociationSpec;
}

function buildLogs(
  now: Date,
  random: SeededRandom,
  providerById: Map<number, ProviderSpec>,
  modelById: Map<number, { name: string }>,
): { rows: SqliteRow[]; bodyRows: SqliteRow[]; deletedIds: number[]; description: LlmioFixture["logs"] } {
  const routes: LogRoute[] = ASSOCIATIONS.map((association) => ({
    model: modelById.get(association.modelId)!.name,
    provider: providerById.get(association.providerId)!,
    association,
  }));
  const rows: SqliteRow[] = [];
  const bodyRows: SqliteRow[] = [];
  const createdAtById = new Map<number, Date>();
  let retriedTraceId = "";
  const spanMs = 89 * DAY_MS;
  for (let trace = 0; trace < TRACES; trace++) {
    const start = new Date(now.getTime() - spanMs + Math.floor((trace * spanMs) / TRACES) + random.int(0, 5 * 60_000));
    // Rows older than UTC_BEFORE_DAYS were written while LLMIO ran in UTC; some times have no fraction.
    const offset = now.getTime() - start.getTime() > UTC_BEFORE_DAYS * DAY_MS ? 0 : CATALOG_OFFSET;
    const route = routes[(trace * 7 + random.int(0, 2)) % routes.length];
    const keyId = LOG_KEY_IDS[trace % LOG_KEY_IDS.length];
    const traceId = random.chars(10);
    const userAgent = route.provider.type === "anthropic" ? USER_AGENTS[0] : random.pick(USER_AGENTS.slice(1));
    const sessionId = route.provider.type === "anthropic" ? `session-${random.chars(8).toLowerCase()}` : "";
    const remoteIp = random.pick(REMOTE_IPS);
    // Outcomes per attempt: most succeed at once; some retry twice then succeed; some fail every time.
    const outcomes: Array<"success" | "error" | "running"> =
      trace === TRACES - 2 ? ["running"] : trace % 12 === 5 ? ["error", "error", "success"] : trace % 40 === 17 ? ["error", "error", "error"] : trace % 9 === 0 ? ["error"] : ["success"];
    if (outcomes.length === 3 && outcomes[2] === "success" && !retriedTraceId) retriedTraceId = traceId;
    let attemptStart = start;
    outcomes.forEach((status, retry) => {
      const id = rows.length + 1;
      const success = status === "success";
      const promptTokens = success ? random.int(120, 6000) : 0;
      const completionTokens = success ? random.int(10, 900) : 0;
      const cachedTokens = success && id % 3 === 0 ? Math.floor(promptTokens * 0.4) : 0;
      const proxyNanos = random.int(80, 1500) * 1_000_000 + random.int(0, 999_999);
      const firstChunkNanos = success ? random.int(200, 3000) * 1_000_000 + random.int(0, 999_999) : 0;
      const chunkNanos = success ? firstChunkNanos + random.int(300, 20_000) * 1_000_000 : 0;
      const stream = trace % 4 < 2;
      const ioLog = keyId === 5;
      const wholeSecond = id % 17 === 0;
      const createdAt = wholeSecond ? new Date(Math.floor(attemptStart.getTime() / 1000) * 1000) : attemptStart;
      const updatedAt = new Date(createdAt.getTime() + Math.floor((proxyNanos + chunkNanos) / 1_000_000));
      const association = route.association;
      rows.push({
        id,
        created_at: goSqliteTime(createdAt, offset, wholeSecond ? 0 : random.int(0, 999_999)),
        updated_at: goSqliteTime(updatedAt, offset, random.int(0, 999_999)),
        deleted_at: null,
        name: route.model,
        trace_id: traceId,
        provider_model: association.providerModel,
        provider_name: route.provider.name,
        status,
        style: route.provider.type,
        user_agent: userAgent,
        remote_ip: remoteIp,
        auth_key_id: keyId,
        session_id: sessionId,
        chat_io: goBool(ioLog),
        error: status === "error" ? ERRORS[(trace + retry) % ERRORS.length] : "",
        retry,
        proxy_time: proxyNanos,
        first_chunk_time: firstChunkNanos,
        chunk_time: chunkNanos,
        tps: success ? Math.round((completionTokens / (chunkNanos / 1e9)) * 1000) / 1000 : 0,
        size: success ? completionTokens * 4 + random.int(200, 900) : 0,
        prompt_tokens: promptTokens,
        completion_tokens: completionTokens,
        total_tokens: promptTokens + completionTokens,
        prompt_tokens_details: JSON.stringify({ cached_tokens: cachedTokens, audio_tokens: 0 }),
        input_price: association.inputPrice ?? 0,
        cache_read_price: association.cacheReadPrice ?? 0,
        output_price: association.outputPrice ?? 0,
        currency: association.currency,
      });
      createdAtById.set(id, createdAt);
      if (ioLog) bodyRows.push(chatIoRow(bodyRows.length + 1, id, createdAt, offset, route, status, stream, traceId));
      attemptStart = new Date(updatedAt.getTime() + random.int(5, 50));
    });
  }
  // Soft-delete the newest captured, successful row: its chat_ios row stays (LLMIO never soft-deletes those).
  const deletedRow = rows.findLast((row) => row.chat_io === 1 && row.status === "success")!;
  deletedRow.deleted_at = goSqliteTime(new Date(now.getTime() - 2 * DAY_MS), CATALOG_OFFSET);
  const deletedIds = [deletedRow.id as number];

  const live = rows.filter((row) => row.deleted_at === null);
  const liveKeyIds = new Set(KEYS.filter((spec) => !spec.deleted).map((spec) => spec.id));
  const liveCreatedAt = live.map((row) => createdAtById.get(row.id as number)!).sort((a, b) => a.getTime() - b.getTime());
  const count = (predicate: (row: SqliteRow) => boolean) => live.filter(predicate).length;
  const byStyle: Record<string, number> = {};
  for (const row of live) byStyle[row.style as string] = (byStyle[row.style as string] ?? 0) + 1;
  const description: FixtureLogs & { retriedTraceId: string; traces: number } = {
    rows: rows.length,
    deleted: deletedIds.length,
    live: live.length,
    byStatus: {
      success: count((row) => row.status === "success"),
      error: count((row) => row.status === "error"),
      running: count((row) => row.status === "running"),
    },
    byStyle,
    liveCreatedAt,
    oldest: liveCreatedAt[0],
    newest: liveCreatedAt[liveCreatedAt.length - 1],
    withoutKey: count((row) => row.auth_key_id === 0),
    withUnknownKey: count((row) => row.auth_key_id !== 0 && !liveKeyIds.has(row.auth_key_id as number)),
    bodies: { rows: bodyRows.length, forLiveLogs: bodyRows.filter((body) => !deletedIds.includes(body.log_id as number)).length },
    promptTokens: live.reduce((sum, row) => sum + (row.prompt_tokens as number), 0),
    completionTokens: live.reduce((sum, row) => sum + (row.completion_tokens as number), 0),
    retriedTraceId,
    traces: new Set(live.map((row) => row.trace_id)).size,
  };
  return { rows, bodyRows, deletedIds, description };
}

/** A chat_ios row as LLMIO writes it: the raw request; the answer as one string, or the stream's chunks. */
function chatIoRow(
  id: number,
  logId: number,
  createdAt: Date,
  offset: number,
  route: LogRoute,
  status: string,
  stream: boolean,
  traceId: string,
): SqliteRow {
  const input = JSON.stringify({
    model: route.model,
    stream,
    messages: [{ role: "user", content: `你好，世界 👋 (trace ${traceId})` }],
  });
  const answer = `Hello from ${route.association.providerModel} — 你好`;
  const succeeded = status === "success";
  return {
    id,
    created_at: goSqliteTime(createdAt, offset),
    updated_at: goSqliteTime(new Date(createdAt.getTime() + 1500), offset),
    deleted_at: null,
    log_id: logId,
    input,
    of_string: succeeded && !stream ? JSON.stringify({ id: `chatcmpl-${traceId}`, choices: [{ message: { role: "assistant", content: answer } }] }) : "",
    of_string_array: succeeded && stream
      ? JSON.stringify([
          `data: ${JSON.stringify({ choices: [{ delta: { content: answer.slice(0, 12) } }] })}`,
          `data: ${JSON.stringify({ choices: [{ delta: { content: answer.slice(12) } }] })}`,
          "data: [DONE]",
        ])
      : null,
  };
}
