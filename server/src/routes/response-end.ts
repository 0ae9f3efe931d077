/**
 * The same response, with `ended` called once when its body has been delivered, failed, or
 * was cancelled (the client left); at once when it has no body. Chunks pass through as they
 * come (nothing is buffered), and a cancel reaches the original body first.
 */
export function onResponseEnd(response: Response, ended: () => void): Response {
  const source = response.body;
  if (!source) {
    ended();
    return response;
  }
  let done = false;
  const end = () => {
    if (done) return;
    done = true;
    ended();
  };
  const reader = source.getReader();
  const body = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          const next = await reader.read();
          if (next.done) {
            controller.close();
            end();
          } else controller.enqueue(next.value);
        } catch (error) {
          end();
          controller.error(error);
        }
      },
      async cancel(reason) {
        try {
          await reader.cancel(reason);
        } finally {
          end();
        }
      },
    },
    { highWaterMark: 0 },
  );
  return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
}
