# syntax=docker/dockerfile:1
# Ferry's container image: the ReadyToRun build of the `ferry` command on the ASP.NET Core runtime, run as a non-root
# user, serving on 0.0.0.0:5077 with its data directory in a volume. docs/deploy.md says how to run it and what was
# proven where.
#
#   docker build -t ferry .
#   docker run -p 5077:5077 -v ferry-data:/var/lib/ferry ferry
#   docker run -p 5077:5077 -e FERRY_DATABASE='Host=db;Database=ferry;Username=ferry;Password=...' \
#     -e FERRY_ADMIN_TOKEN=... -e FERRY_ARTIFACT_ROOT=s3://bucket/prefix -e AWS_REGION=... ferry

ARG DOTNET_VERSION=10.0

# ---- build: restore and publish with the SDK (ReadyToRun: precompiled, so a replica starts and serves sooner) ----
FROM mcr.microsoft.com/dotnet/sdk:${DOTNET_VERSION} AS build
WORKDIR /src
ENV DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
# What the ferry command's projects build from; .dockerignore leaves out tests, docs, bin/ and obj/.
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig ./
COPY eng/Analyzers.props eng/BannedSymbols.txt eng/
COPY src/ src/
COPY samples/CreditRisk/ samples/CreditRisk/
# The NuGet cache is a BuildKit cache mount: a rebuild after a source change restores nothing again.
RUN --mount=type=cache,id=ferry-nuget,target=/root/.nuget/packages \
    dotnet publish src/Ferry.Cli/Ferry.Cli.csproj -c Release -r linux-x64 --self-contained false \
      -p:PublishReadyToRun=true -o /app

# ---- runtime: the ASP.NET Core runtime only (no SDK, no shell tools beyond the base image's) ----
FROM mcr.microsoft.com/dotnet/aspnet:${DOTNET_VERSION} AS runtime
WORKDIR /app
COPY --from=build /app ./
# The data directory holds the SQLite database, the file artifact store and a generated admin.token (one replica);
# with PostgreSQL and S3 it holds nothing another replica needs.
RUN mkdir -p /var/lib/ferry && chown 1654:1654 /var/lib/ferry && chmod 0700 /var/lib/ferry
VOLUME /var/lib/ferry
# ferry server reads these (src/Ferry.Cli/Settings/FerryEnvironment.cs); FERRY_DATABASE, FERRY_ADMIN_TOKEN,
# FERRY_ARTIFACT_ROOT and the AWS_* variables come from the deployment.
ENV FERRY_HOST=0.0.0.0 \
    FERRY_PORT=5077 \
    FERRY_DATA_DIR=/var/lib/ferry \
    FERRY_LOG_FORMAT=json \
    DOTNET_CLI_TELEMETRY_OPTOUT=1
EXPOSE 5077
# The base image's unprivileged "app" user (APP_UID), by number so Kubernetes' runAsNonRoot can verify it.
USER 1654
# No HEALTHCHECK: the image has no curl or wget, and Kubernetes uses the chart's probes (/healthz, /readyz). Under
# plain Docker, check http://<container>:5077/readyz from outside.
ENTRYPOINT ["/app/ferry"]
CMD ["server"]
