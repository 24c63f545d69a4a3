#!/usr/bin/env bash
# Serve the demo the way production runs: the web server and, beside it, a background-task
# worker, so model runs and imports show their progress and no page waits on them.
# Usage: serve-demo.sh PYTHON HOST PORT. Ctrl-C stops both.
set -euo pipefail
python=${1:?usage: serve-demo.sh PYTHON HOST PORT}
host=${2:?}
port=${3:?}
export FOOTPRINT_TASKS=database
export FOOTPRINT_SITE_URL=${FOOTPRINT_SITE_URL:-http://$host:$port}
# The worker is started again if it stops (a database error can end it), as a production
# service manager would (docs/operating.md: Restart=always).
(
  while true; do
    "$python" manage.py db_worker --no-reload --interval 0.5 || true
    echo "Footprint: the background worker stopped; starting it again in 2 s" >&2
    sleep 2
  done
) &
worker=$!
stop_worker() {
  local children
  children=$(pgrep -P "$worker" || true)
  kill "$worker" $children 2>/dev/null || true
}
trap stop_worker EXIT INT TERM
echo "Footprint demo: $FOOTPRINT_SITE_URL/ (background worker pid $worker; Ctrl-C stops both)"
"$python" manage.py runserver "$host:$port" --noreload
