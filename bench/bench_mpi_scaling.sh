#!/usr/bin/env bash
# 1 versus 2 MPI ranks on real matrices: ridgelens-mpi analyze (wall time of
# the SLEPc top-k phase and of the KSP CG solves, from the JSON report), then
# ridgelens-mpi path (20 λ, vectors split by rows: total time, Krylov
# iterations, products).
#   bash bench/bench_mpi_scaling.sh [build-dir] [data-dir]
set -euo pipefail
build=${1:-build}
data=${2:-$(dirname "$0")/../../shared/data}
program="$build/mpi/apps/ridgelens-mpi"
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMP_NUM_THREADS=1
out=$(mktemp -d)
printf "%-22s %5s %10s %10s %10s %8s\n" matrix ranks eigen_s solve_s total_s cg_iter
for matrix in bcsstk16 4elt_laplacian; do
  for ranks in 1 2; do
    start=$(date +%s.%N)
    mpiexec -n "$ranks" --oversubscribe "$program" analyze --hessian "$data/matrices/$matrix.mtx" \
      --lambda 1 --k 10 -q --out "$out/r.json" > /dev/null
    end=$(date +%s.%N)
    /usr/bin/python3 - "$out/r.json" "$matrix" "$ranks" "$start" "$end" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
t = r["timings"]
print(f"{sys.argv[2]:<22} {sys.argv[3]:>5} {t['eigen_s']:10.3f} {t['analyze_s']:10.3f} "
      f"{float(sys.argv[5]) - float(sys.argv[4]):10.3f} {r['lambdas'][0]['ridge']['iterations']:8d}")
PY
  done
done
printf "\n%-22s %5s %10s %10s %8s %8s\n" matrix ranks path_s wall_s krylov products
for matrix in bcsstk16 4elt_laplacian; do
  for ranks in 1 2; do
    start=$(date +%s.%N)
    mpiexec -n "$ranks" --oversubscribe "$program" path --hessian "$data/matrices/$matrix.mtx" \
      --lambdas 1e-2:1e2:20 --k 10 --no-baseline -q --out "$out/p.json" > /dev/null
    end=$(date +%s.%N)
    /usr/bin/python3 - "$out/p.json" "$matrix" "$ranks" "$start" "$end" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
print(f"{sys.argv[2]:<22} {sys.argv[3]:>5} {r['seconds']:10.3f} "
      f"{float(sys.argv[5]) - float(sys.argv[4]):10.3f} {r['deflation']['krylov_iterations']:8d} "
      f"{r['total_matvecs']:8d}")
PY
  done
done
rm -rf "$out"
