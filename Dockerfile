# syntax=docker/dockerfile:1
# One image for every ReferralNet service: configuration picks the service (ReferralNet__Services__0=cases), the
# command picks the mode (no argument: serve; "migrate": migrate the configured service's database and exit).

# --- build: the .NET 10 SDK restores and publishes the host (Release, framework-dependent, no apphost) ---
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
# .editorconfig too: warnings are errors, and the code-style rules it sets are part of the build.
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig ./
COPY protos/ protos/
COPY services/ services/
# The NuGet cache lives in a BuildKit cache mount, so a source change does not download every package again.
RUN --mount=type=cache,id=referralnet-nuget,target=/root/.nuget/packages \
    dotnet restore services/Server/Server.csproj
RUN --mount=type=cache,id=referralnet-nuget,target=/root/.nuget/packages \
    dotnet publish services/Server/Server.csproj -c Release --no-restore -o /app /p:UseAppHost=false

# --- runtime: ASP.NET Core on Ubuntu chiseled, "extra" for ICU and tzdata ---
# ICU: names and e-mail addresses are normalized (NFC/NFKC) and start-up checks that normalization works, so the
# invariant-globalization images will not do. Chiseled: no shell, no package manager, non-root user "app" (UID 1654).
FROM mcr.microsoft.com/dotnet/aspnet:10.0-noble-chiseled-extra AS runtime
WORKDIR /app
COPY --from=build /app ./

# The root file system is mounted read-only; everything the process writes goes to two volumes the pod mounts:
# /data (the data folder: SQLite files and development keys in the embedded shape, empty with SQL Server) and /tmp.
# Diagnostics IPC is off because it would create its socket in the temp folder of every container; workstation GC
# keeps the heap within the pod's memory limit (server GC sizes itself for the node's cores).
ENV ASPNETCORE_HTTP_PORTS=8080 \
    ReferralNet__Database__DataDirectory=/data \
    TMPDIR=/tmp \
    DOTNET_EnableDiagnostics=0 \
    DOTNET_gcServer=0
VOLUME ["/data", "/tmp"]

# gRPC over cleartext HTTP/2; the Dapr sidecar and the ingress speak to it on this port.
EXPOSE 8080
USER $APP_UID
ENTRYPOINT ["dotnet", "ReferralNet.Server.dll"]
