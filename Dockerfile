# syntax=docker/dockerfile:1
# Build: NativeAOT needs clang and zlib next to the SDK.
FROM mcr.microsoft.com/dotnet/sdk:10.0-noble AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends clang zlib1g-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY global.json Directory.Build.props Directory.Packages.props AssetForge.csproj ./
COPY src/Generators/AssetForge.Generators.csproj src/Generators/
RUN dotnet restore AssetForge.csproj -r linux-x64
COPY . .
RUN dotnet publish AssetForge.csproj -c Release -r linux-x64 --no-restore -o /app

# Run: the self-contained AOT binary on the chiseled runtime-deps image (no shell, no package manager,
# non-root "app" user). Migrations ship beside the binary in db/migrations.
# scripts/container-check builds this stage's filesystem by hand from the lines below (its COPY, USER, ENV and
# ENTRYPOINT) and runs it in CI: keep them one instruction per line.
FROM mcr.microsoft.com/dotnet/runtime-deps:10.0-noble-chiseled AS final
WORKDIR /app
COPY --from=build /app/AssetForge /app/appsettings.json ./
COPY --from=build /app/db ./db
USER app
ENV ASPNETCORE_URLS=http://+:8080
# Prometheus scrapes /metrics here; publish 8080 to clients and 9464 only to the scraper.
ENV Management__Urls=http://+:9464
EXPOSE 8080 9464
ENTRYPOINT ["/app/AssetForge"]
