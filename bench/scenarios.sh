# Scenarios for bench/run (sourced). One line each:
#   name | method | path | token | body file | generated query (suffix) pgbench runs | pgbench -D values | params made fresh
# The pgbench side runs the statements the API itself runs for that route (printed from the generated
# QueryCatalog by bench/SqlDump), with the same connection count: the database's own limit on this machine.
SCENARIOS=(
  "get-asset|GET|/api/assets/$base_many|$member||GetAsset.FindAsync|p1=$base_many p2=$user1 p3=false|"
)
