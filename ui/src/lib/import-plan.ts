import type { Association, Model } from "@llmio/contract";

/** What importing one provider model does. */
export interface ImportStep {
  providerModel: string;
  /** The public model it will serve. */
  modelName: string;
  /** Existing model id, or undefined when the model is created. */
  modelId?: number;
  /** Already associated with this provider: nothing to do. */
  skip: boolean;
}

/**
 * Steps for importing provider models: each goes to the public model of the same name (created
 * when missing), or all to one chosen model; pairs that already exist are skipped.
 */
export function planImport(selected: string[], options: { providerId: number; models: Model[]; associations: Association[]; targetModelId?: number }): ImportStep[] {
  const byName = new Map(options.models.map((model) => [model.name, model]));
  const target = options.targetModelId === undefined ? undefined : options.models.find((model) => model.id === options.targetModelId);
  return [...new Set(selected)].map((providerModel) => {
    const model = target ?? byName.get(providerModel);
    const skip =
      model !== undefined &&
      options.associations.some((association) => association.modelId === model.id && association.providerId === options.providerId && association.providerModel === providerModel);
    return { providerModel, modelName: model?.name ?? providerModel, modelId: model?.id, skip };
  });
}

/** Case-insensitive substring filter for long model lists. */
export function filterModels(models: string[], query: string): string[] {
  const needle = query.trim().toLowerCase();
  return needle ? models.filter((model) => model.toLowerCase().includes(needle)) : models;
}
