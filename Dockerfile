# llmio in a small image: the compiled single binary on a slim base, running as non-root.
# Build: docker build -t llmio .      Run: docker run -p 7070:7070 -v llmio-data:/data llmio
FROM oven/bun:1.4.5 AS build
WORKDIR /src
COPY . .
RUN bun install --frozen-lockfile && bun run build

FROM debian:bookworm-slim
RUN useradd --system --uid 10001 --home-dir /data llmio && mkdir -p /data && chown llmio /data
COPY --from=build /src/dist/llmio /usr/local/bin/llmio
USER llmio
WORKDIR /data
VOLUME ["/data"]
ENV LLMIO_DB_PATH=/data/llmio.db \
    LLMIO_SERVER_PORT=7070 \
    BUN_CONFIG_MAX_HTTP_REQUESTS=65535
EXPOSE 7070
HEALTHCHECK --interval=30s --timeout=3s CMD ["/usr/local/bin/llmio", "healthcheck"]
ENTRYPOINT ["/usr/local/bin/llmio"]
CMD ["serve"]
