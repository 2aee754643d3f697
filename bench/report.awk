# One markdown row for scenario n from bench/run's raw.txt: medians of the API's req/s, p50, p99 and of
# pgbench's tx/s over the rounds, and their ratio.
function median(v, k,   i, j, t) {
  for (i = 1; i <= k; i++) for (j = i + 1; j <= k; j++) if (v[j] + 0 < v[i] + 0) { t = v[i]; v[i] = v[j]; v[j] = t }
  return k % 2 ? v[(k + 1) / 2] : (v[k / 2] + v[k / 2 + 1]) / 2
}
$1 == "api" && $2 == n {
  for (f = 3; f <= NF; f++) {
    split($f, kv, "=")
    if (kv[1] == "rps") r[++nr] = kv[2]
    if (kv[1] == "p50_ms") p[++np] = kv[2]
    if (kv[1] == "p99_ms") q[++nq] = kv[2]
    if (kv[1] == "errors" && kv[2] > 0) bad = " (errors!)"
  }
}
$1 == "pgbench" && $2 == n { split($3, kv, "="); g[++ng] = kv[2] }
END {
  # Values are computed first and any comparison among printf's arguments must be parenthesised: awk reads a bare
  # `>` there as output redirection (`printf ..., b > 0 ? ...` once wrote the table row to a file named 0).
  a = median(r, nr); b = median(g, ng); c = median(p, np); d = median(q, nq)
  ratio = 0; if (b > 0) ratio = a / b
  printf "| %s%s | %.0f | %.2f | %.2f | %.0f | %.2f |\n", n, bad, a, c, d, b, ratio
}
