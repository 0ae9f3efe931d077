import { ApiError, createApiClient, errorMessage, toQueryString } from "./api-client.ts";
import { ndjsonLines } from "./association-tests.ts";
import { clearToken, token } from "./auth.ts";
import type {
  Association,
  AssociationTestResult,
  AssociationInput,
  AssociationStats,
  AuthKey,
  AuthKeyInput,
  CachePurgeResult,
  CacheStats,
  ConnectionTest,
  CreatedAuthKey,
  Dashboard,
  DashboardRange,
  Live,
  LogPage,
  Model,
  ModelInput,
  Provider,
  ProviderHealth,
  ProviderInput,
  SavedProvider,
  Settings,
  Status,
  ToolCallTestEvent,
  TraceDetail,
} from "@llmio/contract";

/** The app's admin API client: same origin, the stored token, and logout on 401. */
export const client = createApiClient({ token, onUnauthorized: clearToken });

/** One function per admin endpoint the UI uses. */
export const api = {
  status: () => client.get<Status>("/api/status"),

  providers: () => client.get<Provider[]>("/api/providers"),
  createProvider: (input: Partial<ProviderInput>) => client.post<SavedProvider>("/api/providers", input),
  updateProvider: (id: number, input: Partial<ProviderInput>) => client.put<SavedProvider>(`/api/providers/${id}`, input),
  deleteProvider: (id: number) => client.delete(`/api/providers/${id}`),
  testProvider: (id: number, model?: string) => client.post<ConnectionTest>(`/api/providers/${id}/test`, model ? { model } : {}),
  providerModels: (id: number) => client.get<{ models: string[] }>(`/api/providers/${id}/models`),
  providerHealth: () => client.get<ProviderHealth[]>("/api/health/providers"),
  resetProviderHealth: (id: number) => client.post<ProviderHealth>(`/api/providers/${id}/health/reset`),

  models: () => client.get<Model[]>("/api/models"),
  createModel: (input: Partial<ModelInput>) => client.post<Model>("/api/models", input),
  updateModel: (id: number, input: Partial<ModelInput>) => client.put<Model>(`/api/models/${id}`, input),
  deleteModel: (id: number) => client.delete(`/api/models/${id}`),
  pinModel: (id: number, providerId: number | null) => client.put<Model>(`/api/models/${id}/pin`, { providerId }),
  orderModels: (ids: number[]) => client.put("/api/models/order", { ids }),
  modelStats: (id: number, hours = 24) => client.get<{ associations: AssociationStats[] }>(`/api/models/${id}/stats`, { hours }),

  associations: (modelId?: number) => client.get<Association[]>("/api/model-providers", { modelId }),
  createAssociation: (input: Partial<AssociationInput>) => client.post<Association>("/api/model-providers", input),
  updateAssociation: (id: number, input: Partial<AssociationInput>) => client.put<Association>(`/api/model-providers/${id}`, input),
  deleteAssociation: (id: number) => client.delete(`/api/model-providers/${id}`),
  testAssociation: (id: number) => client.post<AssociationTestResult>(`/api/model-providers/${id}/test`),
  testModelAssociations: (modelId: number) => client.post<AssociationTestResult[]>(`/api/models/${modelId}/test`),
  toolCallTest: (id: number, signal?: AbortSignal) => toolCallTestEvents(id, signal),

  authKeys: () => client.get<AuthKey[]>("/api/auth-keys"),
  createAuthKey: (input: Partial<AuthKeyInput>) => client.post<CreatedAuthKey>("/api/auth-keys", input),
  updateAuthKey: (id: number, input: Partial<AuthKeyInput> & { resetUsage?: boolean }) => client.put<AuthKey>(`/api/auth-keys/${id}`, input),
  deleteAuthKey: (id: number) => client.delete(`/api/auth-keys/${id}`),

  logs: (query: string, signal?: AbortSignal) => client.request<LogPage>("GET", `/api/logs${query}`, undefined, { signal }),
  trace: (traceId: string) => client.get<TraceDetail>(`/api/logs/trace/${encodeURIComponent(traceId)}`),

  dashboard: (range: DashboardRange) => client.get<Dashboard>("/api/dashboard", { range }),
  live: () => client.get<Live>("/api/live"),

  settings: () => client.get<Settings>("/api/settings"),
  updateSettings: (changes: Partial<Settings>) => client.put<Settings>("/api/settings", changes),
  cacheStats: () => client.get<CacheStats>("/api/cache"),
  /** One model's cached answers (by its public name), or all of them. */
  purgeCache: (model?: string) => client.delete<CachePurgeResult>(`/api/cache${toQueryString({ model })}`),
  runRetention: () => client.post<{ deletedRows: number; deletedBodies: number }>("/api/settings/retention/run"),
};

/** The tool-call test's progress, each step as the server sends it (NDJSON). */
async function* toolCallTestEvents(id: number, signal?: AbortSignal): AsyncGenerator<ToolCallTestEvent> {
  const bearer = token();
  const response = await fetch(`/api/model-providers/${id}/tool-test`, {
    method: "POST",
    headers: { accept: "application/x-ndjson", ...(bearer ? { authorization: `Bearer ${bearer}` } : {}) },
    signal,
  });
  if (response.status === 401) clearToken();
  if (!response.ok || !response.body) throw new ApiError(response.status, errorMessage(response.status, await response.text()));
  yield* ndjsonLines<ToolCallTestEvent>(response.body);
}
