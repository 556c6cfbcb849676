#!/bin/sh
# Runs a TypeScript entry point (npm start, npm test, ...) on Node >= 22.18, which strips types
# itself and is what wrangler needs: the machine's own node when it is new enough, otherwise
# the one npm installed for this platform (the optional node-<os>-<cpu> package), otherwise a
# message saying what to install. Plain sh, so any node (or none) may be the system's.
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
new_enough='const [major, minor] = process.versions.node.split(".").map(Number); process.exit(major > 22 || (major === 22 && minor >= 18) ? 0 : 1)'

# The first node on PATH that is not an npm-installed one (npm puts node_modules/.bin first).
system_node() {
  old_ifs=$IFS
  IFS=:
  for dir in $PATH; do
    case $dir in */node_modules/.bin) continue ;; esac
    if [ -x "$dir/node" ]; then
      IFS=$old_ifs
      printf '%s\n' "$dir/node"
      return
    fi
  done
  IFS=$old_ifs
}

for node in "$(system_node)" "$root/node_modules/.bin/node"; do
  if [ -n "$node" ] && [ -x "$node" ] && "$node" -e "$new_enough" 2>/dev/null; then
    exec "$node" "$@"
  fi
done

found=$(system_node)
if [ -n "$found" ]; then have="$("$found" --version 2>/dev/null) at $found"; else have="no node on PATH"; fi
echo "Glyphoxa needs Node.js 22.18 or newer; this machine has $have," >&2
echo "and npm installed no Node 22 for $(uname -s) $(uname -m) (there is none on npm for every platform)." >&2
echo "Install Node.js 22 or newer (https://nodejs.org, or your package manager) and try again." >&2
exit 1
