# syntax=docker/dockerfile:1
# The gateway image. The same image serves the gateway or one ModelServer (see docker/entrypoint.sh).
#
#   docker build -t gateway .                                  # CPU
#   docker build -t gateway:cuda --build-arg VARIANT=cuda .    # CUDA: llama.cpp built for NVIDIA GPUs
#   docker run -p 8080:8080 -v "$PWD/config:/config:ro" gateway
ARG VARIANT=cpu
ARG CUDA_VERSION=13.0.1
ARG CUDA_OS=ubuntu24.04

# ---- build: the publish step is build/publish.sh, the same script CI runs ----
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig appsettings.json ./
COPY src/ src/
COPY build/ build/
RUN --mount=type=cache,id=gateway-nuget,target=/root/.nuget/packages \
    bash build/publish.sh /out

# ---- CPU runtime: ASP.NET Core; LLamaSharp's CPU build of llama.cpp ships in the publish folder ----
FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime-cpu
ENV GATEWAY_NATIVE_LIB=

# ---- llama.cpp with CUDA, at the commit LLamaSharp 0.30.0 binds (llama.cpp tag b10221) ----
FROM nvidia/cuda:${CUDA_VERSION}-devel-${CUDA_OS} AS llama-cuda
ARG LLAMA_CPP_COMMIT=815a2a5915f22ce6a760c676389c5dfe8535c08f
# Datacenter and workstation GPUs from Turing on; narrow it to your cards for a faster build.
ARG CUDA_ARCHITECTURES="75;80;86;89;90"
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends git cmake build-essential ca-certificates \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /llama.cpp
RUN git init -q . \
 && git remote add origin https://github.com/ggml-org/llama.cpp.git \
 && git fetch -q --depth 1 origin "$LLAMA_CPP_COMMIT" \
 && git checkout -q FETCH_HEAD
RUN cmake -S . -B out -DCMAKE_BUILD_TYPE=Release -DBUILD_SHARED_LIBS=ON \
      -DGGML_CUDA=ON -DGGML_NATIVE=OFF -DCMAKE_CUDA_ARCHITECTURES="$CUDA_ARCHITECTURES" \
      -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF -DLLAMA_BUILD_SERVER=OFF -DLLAMA_CURL=OFF \
 && cmake --build out --config Release -j"$(nproc)" --target llama mtmd \
 && mkdir -p /opt/llama \
 && find out -name '*.so*' -exec cp -P {} /opt/llama/ \;

# ---- CUDA runtime: the CUDA libraries, the .NET runtime from the ASP.NET image, llama.cpp for CUDA ----
FROM nvidia/cuda:${CUDA_VERSION}-runtime-${CUDA_OS} AS runtime-cuda
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ca-certificates libssl3t64 tzdata \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --gid 1654 app \
 && useradd --uid 1654 --gid 1654 --no-create-home --shell /usr/sbin/nologin app
COPY --from=runtime-cpu /usr/share/dotnet /usr/share/dotnet
RUN ln -s /usr/share/dotnet/dotnet /usr/bin/dotnet
COPY --from=llama-cuda /opt/llama /opt/llama
ENV DOTNET_RUNNING_IN_CONTAINER=true \
    GATEWAY_NATIVE_LIB=/opt/llama

# ---- the image ----
FROM runtime-${VARIANT} AS final
WORKDIR /app
COPY --from=build /out ./
COPY --chmod=755 docker/entrypoint.sh /app/entrypoint.sh
# The repository's config/ (router artefacts under config/router) stays the content root's config/;
# operators' JSON files go in the mounted /config.
COPY config/ /app/config/
# /config is where the configuration directory is mounted (a ConfigMap in Kubernetes);
# /models is where GGUF files are mounted for model servers.
RUN mkdir -p /config /models && chown 1654:1654 /config /models
# The image's default configuration directory holds the trained local pool's catalog (config/pool.json, its
# GGUF files under /app/config/models); mounting a directory on /config replaces it.
COPY --chown=1654:1654 config/pool.json /config/pool.json
ENV ASPNETCORE_URLS=http://+:8080 \
    ASPNETCORE_HTTP_PORTS= \
    GATEWAY_APP_DIR=/app \
    Gateway__AllowDevelopmentKey=false \
    Gateway__ConfigDirectory=/config \
    DOTNET_USE_POLLING_FILE_WATCHER=true
USER 1654
EXPOSE 8080
HEALTHCHECK --interval=15s --timeout=5s --start-period=20s --retries=3 CMD ["/app/entrypoint.sh", "healthcheck"]
ENTRYPOINT ["/app/entrypoint.sh"]
CMD ["gateway"]
