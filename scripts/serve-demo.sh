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
"$python" manage.py db_worker --no-reload --interval 0.5 &
worker=$!
trap 'kill "$worker" 2>/dev/null || true' EXIT INT TERM
echo "Footprint demo: $FOOTPRINT_SITE_URL/ (background worker pid $worker; Ctrl-C stops both)"
"$python" manage.py runserver "$host:$port" --noreload
