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

# ---- llama.cpp's source: the same as the GPU check kit's (bench/gpu/pack.sh), from npm node-llama-cpp, ABI-patched ----
FROM node:22-bookworm-slim AS llama-src
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends git patch ca-certificates \
 && rm -rf /var/lib/apt/lists/*
COPY build/llama-source.sh build/llama-abi.patch /build/
RUN bash /build/llama-source.sh /llama.cpp

# ---- llama.cpp with CUDA: build/llama-cpp.sh, the script and flags the GPU check kit's run.sh builds with ----
FROM nvidia/cuda:${CUDA_VERSION}-devel-${CUDA_OS} AS llama-cuda
# Datacenter and workstation GPUs from Turing on; narrow it to your cards for a faster build (the kit builds "90").
ARG CUDA_ARCHITECTURES="75;80;86;89;90"
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends cmake ninja-build build-essential \
 && rm -rf /var/lib/apt/lists/*
COPY --from=llama-src /llama.cpp /llama.cpp
COPY build/llama-cpp.sh /build/llama-cpp.sh
# The image runs on machines other than the build's: the CPU backend is built for portable x86-64 (AVX2), where the
# kit, built on the machine it measures, uses --cpu-level native.
RUN bash /build/llama-cpp.sh /llama.cpp /llama.cpp/out /opt/llama --cuda "$CUDA_ARCHITECTURES" --cpu-level portable

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
