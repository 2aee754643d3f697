# Scenarios for bench/run (sourced after the API is up; ids come from bench/seed.sh's scheme). One line each:
#   name | method | path | token | body file | generated query (suffix) pgbench runs | pgbench -D values (by the
#   query's parameter names) | SqlDump options
# The pgbench side runs the statements the API itself runs for that route (printed from the generated
# QueryCatalog by bench/SqlDump) with the same parameters and connection count: the database's own limit.

cat >"$results/create-pipeline.json" <<JSON
{"assetId":"$base_many","config":{"model":"character","quality":"high"},"stages":[{"name":"concept"},{"name":"mesh"},{"name":"texture"}],"meshyTaskId":"bench-task"}
JSON
cat >"$results/report-error.json" <<JSON
{"endpoint":"/api/generate","method":"POST","message":"Upstream-timeout","severity":"error","category":"external_api","statusCode":502}
JSON

# A page 5,000 pages deep in the admin list (1,000,000 pipelines), reached the way a client reaches it: by
# following nextCursor. pgbench starts from the same (created_at, id) position.
deep_pages=${DEEP_PAGES:-$([ "$quick" = 1 ] && echo 500 || echo 5000)}
log "following $deep_pages cursors for the deep-page scenario"
deep_cursor=""
for _ in $(seq 1 "$deep_pages"); do
  deep_cursor=$(curl -fsS -H "Authorization: Bearer $admin" "$api/api/pipelines?limit=20${deep_cursor:+&cursor=$deep_cursor}" \
    | sed -n 's/.*"nextCursor":"\([^"]*\)".*/\1/p')
  [ -n "$deep_cursor" ] || { echo "no nextCursor while following the list" >&2; exit 1; }
done
IFS='|' read -r deep_created deep_id <<<"$(psql "$psql_conn" -tAc "
  SELECT to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"') || '|' || id
  FROM generation_pipelines ORDER BY created_at DESC, id DESC OFFSET $((deep_pages * 20 - 1)) LIMIT 1")"

SCENARIOS=(
  "get-pipeline|GET|/api/pipelines/$pipeline1|$member||GetPipeline.FindAsync|id=$pipeline1 userId=$user1 isAdmin=false|"
  "list-first-page|GET|/api/pipelines?limit=20|$member||ListPipelines.ForUserAsync|userId=$user1 afterCreatedAt=infinity afterId=ffffffff-ffff-ffff-ffff-ffffffffffff limit=21|"
  "list-deep-page|GET|/api/pipelines?limit=20&cursor=$deep_cursor|$admin||ListPipelines.ForEveryoneAsync|afterCreatedAt=$deep_created afterId=$deep_id limit=21|"
  "create-pipeline|POST|/api/pipelines|$member|$results/create-pipeline.json|CreatePipeline.InsertAsync|userId=$user1 isAdmin=false ownerId=$user1 assetId=$base_many config={\"model\":\"character\",\"quality\":\"high\"} meshyTaskId=bench-task stageNames={concept,mesh,texture}|--fresh id --null riggingTaskId --null expiresAt --fresh-array stageIds:3"
  "report-error|POST|/api/errors|$member|$results/report-error.json|ReportError.InsertAsync|userId=$user1 endpoint=/api/generate method=POST message=Upstream-timeout severity=error category=external_api statusCode=502 context={} tags={} ipAddress=127.0.0.1 userAgent=wrk createdAt=2026-11-26T12:00:00Z|--fresh id --null requestId --null errorCode --null stack --null requestBody --null requestHeaders --null responseBody --null externalService --null externalErrorCode --null externalErrorMessage"
  "variant-stats-10000|GET|/api/assets/$base_many/variants/statistics|$member||GetVariantStatistics.FindAsync|baseAssetId=$base_many userId=$user1 isAdmin=false|"
  "variant-stats-1|GET|/api/assets/$base_one/variants/statistics|$member||GetVariantStatistics.FindAsync|baseAssetId=$base_one userId=$user1 isAdmin=false|"
  "variant-gallery|GET|/api/assets/$base_many/variants?page=50&limit=20|$member||ListAssetVariants.PageAsync|baseAssetId=$base_many userId=$user1 isAdmin=false activeOnly=false limit=20 offset=980|"
)
