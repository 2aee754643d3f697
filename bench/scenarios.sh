# Scenarios for bench/run (sourced after the API is up; ids come from bench/seed.sh's scheme). One line each:
#   name | method | path | token | body file | generated query (suffix) pgbench runs | pgbench -D values | SqlDump options
# The pgbench side runs the statements the API itself runs for that route (printed from the generated
# QueryCatalog by bench/SqlDump) with the same parameters and connection count: the database's own limit.

all_statuses='{initializing,processing,completed,failed,cancelled}'

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
  "get-pipeline|GET|/api/pipelines/$pipeline1|$member||GetPipeline.FindAsync|p1=$pipeline1 p2=$user1 p3=false|"
  "list-first-page|GET|/api/pipelines?limit=20|$member||ListPipelines.ForUserAsync|p1=$user1 p2=$all_statuses p3=infinity p4=ffffffff-ffff-ffff-ffff-ffffffffffff p5=21|"
  "list-deep-page|GET|/api/pipelines?limit=20&cursor=$deep_cursor|$admin||ListPipelines.ForEveryoneAsync|p1=$all_statuses p2=$deep_created p3=$deep_id p4=21|"
  "create-pipeline|POST|/api/pipelines|$member|$results/create-pipeline.json|CreatePipeline.InsertAsync|p2=$user1 p3=false p4=$user1 p5=$base_many p6={\"model\":\"character\",\"quality\":\"high\"} p7=bench-task p11={concept,mesh,texture}|--fresh 1 --null 8 --null 9 --fresh-array 10:3"
  "report-error|POST|/api/errors|$member|$results/report-error.json|ReportError.InsertAsync|p2=$user1 p4=/api/generate p5=POST p7=Upstream-timeout p9=error p10=external_api p11=502 p18={} p19={} p20=127.0.0.1 p21=wrk p22=2026-11-26T12:00:00Z|--fresh 1 --null 3 --null 6 --null 8 --null 12 --null 13 --null 14 --null 15 --null 16 --null 17"
  "variant-stats-10000|GET|/api/assets/$base_many/variants/statistics|$member||GetVariantStatistics.FindAsync|p1=$base_many p2=$user1 p3=false|"
  "variant-stats-1|GET|/api/assets/$base_one/variants/statistics|$member||GetVariantStatistics.FindAsync|p1=$base_one p2=$user1 p3=false|"
  "variant-gallery|GET|/api/assets/$base_many/variants?page=50&limit=20|$member||ListAssetVariants.PageAsync|p1=$base_many p2=$user1 p3=false p4=false p5=20 p6=980|"
)
