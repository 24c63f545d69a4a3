#!/usr/bin/env bash
# Print the path of a Python that Footprint supports (3.11 or newer), preferring `python3`.
# Exit non-zero, saying what is needed, when there is none.
set -euo pipefail
for candidate in python3 python3.13 python3.12 python3.11 python; do
  path=$(command -v "$candidate" 2>/dev/null) || continue
  if "$path" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' 2>/dev/null; then
    echo "$path"
    exit 0
  fi
done
echo "Footprint needs Python 3.11 or newer (with venv and pip); none was found on PATH." >&2
echo "Install one (e.g. apt-get install python3 python3-venv), or run: make PYTHON=/path/to/python3.12 …" >&2
exit 1
