#!/usr/bin/env bash
# Seeds a migrated AssetForge database with deterministic, realistic volumes through COPY.
#   bench/seed.sh "<psql connection string>" PIPELINES ERRORS VARIANTS
# Ids are derived from counters so scenarios can address rows without looking them up:
#   user i      -> 00000000-0000-4000-8000-<i as 12 hex>        (privy_user_id bench-user-<i>, i = 1..1000)
#   pipeline i  -> <i as 8 hex>-0000-4000-8000-<i as 12 hex>     (owned by user 1 + (i-1) % 1000)
#   stage k of i-> <i as 8 hex>-000<k>-4000-9000-000000000000
#   base asset  -> 0000000b-0000-4000-8000-00000000000<1|2>      (1: VARIANTS variants, 2: one variant)
#   error i     -> <i as 8 hex>-0000-4000-a000-<i as 12 hex>
set -euo pipefail
conn=${1:?connection string}
pipelines=${2:-1000000}
errors=${3:-100000}
variants=${4:-10000}
users=1000
psql=(psql "$conn" -v ON_ERROR_STOP=1 -q)

copy() { # copy TABLE COLUMNS: reads tab-separated rows on stdin
  "${psql[@]}" -c "SET synchronous_commit = off; COPY $1 ($2) FROM STDIN"
}

echo "seed: $users users" >&2
awk -v n=$users 'BEGIN { for (i = 1; i <= n; i++) printf "00000000-0000-4000-8000-%012x\tbench-user-%d\tmember\n", i, i;
  printf "00000000-0000-4000-8000-%012x\tbench-admin\tadmin\n", 999999 }' \
  | copy users "id, privy_user_id, role"

echo "seed: $pipelines pipelines x 3 stages" >&2
# created_at spreads over the last 90 days, newest = highest i; 70% completed, 10% failed, 10% processing,
# 5% cancelled, 5% initializing.
now=$(date -u +%s)
awk -v n=$pipelines -v u=$users -v now=$now 'BEGIN {
  span = 90 * 86400;
  for (i = 1; i <= n; i++) {
    created = now - span + int(i * span / n);
    r = i % 20;
    status = r < 14 ? "completed" : r < 16 ? "failed" : r < 18 ? "processing" : r < 19 ? "cancelled" : "initializing";
    progress = status == "completed" ? 100 : status == "initializing" ? 0 : 40;
    started = status == "initializing" ? "\\N" : strftime("%Y-%m-%dT%H:%M:%SZ", created + 2, 1);
    done = (status == "completed" || status == "failed" || status == "cancelled") ? strftime("%Y-%m-%dT%H:%M:%SZ", created + 60 + i % 240, 1) : "\\N";
    err = status == "failed" ? "Meshy task failed: timeout" : "\\N";
    printf "%08x-0000-4000-8000-%012x\t00000000-0000-4000-8000-%012x\t{\"model\": \"character\", \"quality\": \"high\", \"seed\": %d}\t%s\t%d\t%s\t%s\t{}\tmeshy-%d\t%s\t%s\t%s\t%s\t%s\n",
      i, i, 1 + (i - 1) % u, i, status, progress, status == "completed" ? "\\N" : "texture", err, i,
      strftime("%Y-%m-%dT%H:%M:%SZ", created, 1), started, done, strftime("%Y-%m-%dT%H:%M:%SZ", created + 60, 1),
      strftime("%Y-%m-%dT%H:%M:%SZ", created + 86400, 1);
  } }' \
  | copy generation_pipelines "id, user_id, config, status, progress, current_stage, error, results, meshy_task_id, created_at, started_at, completed_at, updated_at, expires_at"

awk -v n=$pipelines -v now=$now 'BEGIN {
  split("concept mesh texture", names, " ");
  span = 90 * 86400;
  for (i = 1; i <= n; i++) {
    created = now - span + int(i * span / n);
    for (k = 1; k <= 3; k++)
      printf "%08x-000%d-4000-9000-000000000000\t%08x-0000-4000-8000-%012x\t%s\t%d\t%s\t%d\t%s\n",
        i, k, i, i, names[k], k - 1, i % 20 < 14 ? "completed" : "pending", i % 20 < 14 ? 100 : 0,
        strftime("%Y-%m-%dT%H:%M:%SZ", created, 1);
  } }' \
  | copy pipeline_stages "id, pipeline_id, stage_name, stage_order, status, progress, created_at"

echo "seed: base assets with $variants and 1 variants" >&2
owner=00000000-0000-4000-8000-000000000001
awk -v n=$variants -v owner=$owner 'BEGIN {
  printf "0000000b-0000-4000-8000-000000000001\tKnight\tcharacter\t%s\tt\thttps://cdn.example.com/knight.glb\thttps://cdn.example.com/knight.png\n", owner;
  printf "0000000b-0000-4000-8000-000000000002\tShield\tprop\t%s\tt\thttps://cdn.example.com/shield.glb\thttps://cdn.example.com/shield.png\n", owner;
  for (i = 1; i <= n + 1; i++)
    printf "0000000c-0000-4000-8000-%012x\tVariant %d\tcharacter\t%s\tf\thttps://cdn.example.com/v%d.glb\thttps://cdn.example.com/v%d.png\n", i, i, owner, i, i;
  }' \
  | copy assets "id, name, type, owner_id, is_base_model, cdn_url, cdn_thumbnail_url"
awk -v n=$variants -v owner=$owner 'BEGIN {
  for (i = 1; i <= n + 1; i++) {
    base = i <= n ? "0000000b-0000-4000-8000-000000000001" : "0000000b-0000-4000-8000-000000000002";
    r = i % 10;
    status = r < 7 ? "completed" : r < 8 ? "failed" : r < 9 ? "processing" : "pending";
    printf "0000000d-0000-4000-8000-%012x\t%s\t0000000c-0000-4000-8000-%012x\tpreset-%d\tPreset %d\t%s\t%d\t%s\t%s\n",
      i, base, i, i, i, status, i, i % 13 == 0 ? "f" : "t", owner;
  } }' \
  | copy asset_variants "id, base_asset_id, variant_asset_id, preset_id, preset_name, generation_status, display_order, is_active, owner_id"
"${psql[@]}" -c "UPDATE asset_variants SET completed_at = created_at WHERE generation_status = 'completed'"
# variant_statistics needs no seeding: migration V3's trigger recounted both base assets as the COPY landed.

echo "seed: $errors errors" >&2
awk -v n=$errors -v u=$users -v now=$now 'BEGIN {
  split("/api/pipelines /api/pipelines/{id} /api/variants /api/assets /api/errors /generate /retexture /rig /upload /export", eps, " ");
  split("debug info warning error critical", sev, " ");
  split("validation authentication authorization external_api database file_system network application unknown", cat, " ");
  split("GET POST PATCH DELETE", met, " ");
  span = 7 * 86400;
  for (i = 1; i <= n; i++) {
    created = now - span + int(i * span / n);
    user = i % 3 == 0 ? "\\N" : sprintf("00000000-0000-4000-8000-%012x", 1 + i % u);
    ext = i % 5 == 0 ? "meshy" : "\\N";
    printf "%08x-0000-4000-a000-%012x\t%s\t%s\t%s\tError number %d\t%s\t%s\t%d\t%s\t%s\t%s\n",
      i, i, user, eps[1 + i % 10], met[1 + i % 4], i, sev[1 + i % 5], cat[1 + i % 9], i % 2 ? 500 : 400, ext,
      i % 11 == 0 ? "t" : "f", strftime("%Y-%m-%dT%H:%M:%SZ", created, 1);
  } }' \
  | copy api_errors "id, user_id, endpoint, method, error_message, severity, category, status_code, external_service, resolved, created_at"

echo "seed: vacuum analyze" >&2
"${psql[@]}" -c "VACUUM (ANALYZE)"
