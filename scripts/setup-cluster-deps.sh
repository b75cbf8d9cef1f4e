#!/usr/bin/env bash
# Installs what `npm run conductor -- --cluster N`, `npm run rig -- --cluster N` and the
# conformance suite's part 10 need besides Java: PostgreSQL (persistence, queues and indexing of a
# Conductor cluster) and redis-server (its workflow-execution lock), from Debian's packages.
# Does nothing for what is already there. Needs root (or sudo) to install.
set -euo pipefail

missing=()
compgen -G '/usr/lib/postgresql/*/bin/initdb' > /dev/null || missing+=(postgresql)
command -v redis-server > /dev/null || missing+=(redis-server)
if [ ${#missing[@]} -eq 0 ]; then
  echo "setup-cluster-deps: PostgreSQL and redis-server are installed"
  exit 0
fi
if ! command -v apt-get > /dev/null; then
  echo "setup-cluster-deps: install ${missing[*]} with your package manager (no apt-get here)" >&2
  exit 1
fi
sudo=()
[ "$(id -u)" -eq 0 ] || sudo=(sudo)
echo "setup-cluster-deps: installing ${missing[*]} from Debian's packages"
export DEBIAN_FRONTEND=noninteractive
# The package lists may be missing or stale on a fresh machine: update them once if the install fails.
"${sudo[@]}" apt-get install -y --no-install-recommends "${missing[@]}" \
  || { "${sudo[@]}" apt-get update && "${sudo[@]}" apt-get install -y --no-install-recommends "${missing[@]}"; }
# Debian starts the packaged services: the cluster runs its own on free ports, in temporary folders.
for service in postgresql redis-server; do
  "${sudo[@]}" service "$service" stop > /dev/null 2>&1 || true
done
