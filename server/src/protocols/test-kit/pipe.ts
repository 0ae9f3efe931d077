/** Pushes every input through a TransformStream and collects what comes out (flush included). */
export async function pipe<I, O>(transform: TransformStream<I, O>, inputs: readonly I[]): Promise<O[]> {
  const source = new ReadableStream<I>({
    start(controller) {
      for (const input of inputs) controller.enqueue(input);
      controller.close();
    },
  });
  const outputs: O[] = [];
  const reader = source.pipeThrough(transform).getReader();
  for (let next = await reader.read(); !next.done; next = await reader.read()) outputs.push(next.value);
  return outputs;
}
