#!/usr/bin/env bash
# Regenerates what SQLite start-up uses instead of EF's slow paths: the schema script brand-new databases are created
# from (every migration at once) and the compiled EF model.
# Run after adding a migration; tests/Ferry.Storage.Tests fails while it is stale.
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet tool restore >/dev/null
dotnet ef migrations script --project src/Ferry.Storage.Sqlite --startup-project src/Ferry.Storage.Sqlite -o /tmp/ferry-schema.sql
sed '1s/^\xEF\xBB\xBF//' /tmp/ferry-schema.sql > src/Ferry.Storage.Sqlite/Schema/schema.sql
echo "wrote src/Ferry.Storage.Sqlite/Schema/schema.sql"
# The compiled EF model SQLite contexts use at run time (spares building the model at each start). The project needs
# its current compiled model to build, so the new one is written beside it and then takes its place.
rm -rf src/Ferry.Storage.Sqlite/CompiledModel.new
dotnet ef dbcontext optimize --project src/Ferry.Storage.Sqlite --startup-project src/Ferry.Storage.Sqlite \
  --output-dir CompiledModel.new --namespace Ferry.Storage.Sqlite.CompiledModel
rm -rf src/Ferry.Storage.Sqlite/CompiledModel
mv src/Ferry.Storage.Sqlite/CompiledModel.new src/Ferry.Storage.Sqlite/CompiledModel
echo "wrote src/Ferry.Storage.Sqlite/CompiledModel/"
