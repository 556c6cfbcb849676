#!/usr/bin/env bash
# Installs (or, with --uninstall, removes) the Glyphoxa voice node on a Debian/Ubuntu
# machine as a systemd service. Run as root from a checkout or unpacked release:
#
#   sudo voice-node/install.sh --edge-url https://edge.example.com --token node-1a2b3c4d.s3cr3t
#
# See docs/SELF_HOSTING.md. Safe to run again: it only redoes what changed.
set -euo pipefail
umask 022

readonly BUN_VERSION=1.4.5 # keep in step with the root package.json's devDependencies.bun
# Bun comes from the npm registry, as the package @oven/<asset> (the one the `bun` npm
# package installs): SHA-256 of each @oven/<asset>-${BUN_VERSION}.tgz, whose sha512 matched
# the registry's published integrity. Keyed by <asset>@<version>, so a new BUN_VERSION has
# no checksum (and installs no Bun) until its own are pinned: see docs/SELF_HOSTING.md.
declare -rA BUN_PINNED_SHA256=(
  [bun-linux-x64@1.4.5]=0c72edca57b0cbf0a07a242daf0ea8ea96711827f042b80a1c383ce1cc51c771
  [bun-linux-x64-baseline@1.4.5]=c18ff4130882eaa8209f0b3e66a202abd1e07a137f38a254d0b7431bc6a03827
  [bun-linux-aarch64@1.4.5]=c3cd56594c9d5d025df87f77c68ad4699a49b52551f0f3232be6f727533fe08c
)
readonly DEFAULT_REGISTRY=https://registry.npmjs.org
readonly SERVICE=glyphoxa-voice-node
readonly SERVICE_USER=glyphoxa
readonly APT_PACKAGES=(espeak-ng ca-certificates curl)
readonly DEFAULT_HEALTH_PORT=9470

# Paths as the installed system sees them. On disk each is prefixed with $ROOT, which is
# empty except in tests (--root / GLYPHOXA_ROOT).
readonly PREFIX_DIR=/opt/glyphoxa
readonly BUN_DIR=$PREFIX_DIR/bun
readonly APP_DIR=$PREFIX_DIR/voice-node
readonly MAIN_TS=$APP_DIR/voice-node/src/main.ts
readonly BUNFIG=$APP_DIR/bunfig.toml # the repository's Bun settings, read by the service
readonly CONF_DIR=/etc/glyphoxa
readonly ENV_FILE=$CONF_DIR/voice-node.env
readonly STATE_DIR=/var/lib/glyphoxa
readonly CACHE_DIR=/var/cache/glyphoxa # Bun's package cache for installs and updates
readonly UNIT_FILE=/etc/systemd/system/$SERVICE.service
# What the node was last started with (Bun, code, settings, unit), written once that start
# succeeded: a run that failed part-way leaves it behind, so the next run finishes the job.
readonly APPLIED_FILE=$PREFIX_DIR/.applied
# Settings this script owns in the env file; any other lines there are kept as they are.
readonly MANAGED_KEYS=(EDGE_URL NODE_TOKEN NODE_CAPACITY NODE_REGION HEALTH_PORT)

SCRIPT_DIR=$(cd -P -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
readonly SCRIPT_DIR

usage() {
  cat <<EOF
usage: install.sh [--edge-url URL] [--token TOKEN] [--capacity N] [--region R]
                  [--health-port P] [--env KEY=VALUE]... [--registry URL]
                  [--bun-sha256 HEX | --skip-bun-checksum] [--no-systemd] [--root DIR]
       install.sh --uninstall [--root DIR]

Installs Bun ${BUN_VERSION} and the voice node under ${PREFIX_DIR}, writes ${ENV_FILE}
and the systemd unit ${SERVICE}.service, and starts it. Run it again to update.

  --edge-url URL     the edge's base URL, http(s)://...            (env EDGE_URL)
  --token TOKEN      the node token from POST /admin/nodes          (env NODE_TOKEN)
  --capacity N       concurrent sessions, 1-1000 (node default 4)   (env NODE_CAPACITY)
  --region R         region label shown in the fleet view           (env NODE_REGION)
  --health-port P    loopback port of /healthz and /metrics (default ${DEFAULT_HEALTH_PORT}) (env HEALTH_PORT)
  --env KEY=VALUE    any other voice-node setting for the env file (e.g. AUDIO_URL,
                     LOG_LEVEL, DEFAULT_PROVIDERS); KEY= removes it
  --registry URL     the npm registry (or a mirror) Bun and the node's packages come
                     from (default ${DEFAULT_REGISTRY})    (env NPM_CONFIG_REGISTRY)
  --bun-sha256 HEX   the SHA-256 Bun's tarball (@oven/bun-linux-<arch>) must have, instead
                     of the one pinned in this script                (env GLYPHOXA_BUN_SHA256)
  --skip-bun-checksum
                     install Bun even when its tarball matches no checksum (unverified)
  --no-systemd       install everything but the systemd unit, and print the command line
                     to run the node under another supervisor (no systemd as init)
  --uninstall        stop and remove the service, its files, its settings and its user
  --root DIR         create every file under DIR (tests)             (env GLYPHOXA_ROOT)

Missing edge URL or token: taken from an existing ${ENV_FILE}, else asked for when
stdin is a terminal, else an error (exit 2).
EOF
}

# --- output -------------------------------------------------------------------------

say() { printf '%s\n' "$*"; }
step() { printf '  %-22s %s\n' "$1" "$2"; }
warn() { printf 'install.sh: warning: %s\n' "$*" >&2; }
die() {
  printf 'install.sh: %s\n' "$*" >&2
  exit 1
}
usage_error() {
  printf 'install.sh: %s\n' "$*" >&2
  printf "Run 'install.sh --help' for the options.\n" >&2
  exit 2
}

# --- system commands: each through one function; tests point GLYPHOXA_<NAME> at a stub ---

sys_apt_get() { DEBIAN_FRONTEND=noninteractive "${GLYPHOXA_APT_GET:-apt-get}" "$@"; }
sys_systemctl() { "${GLYPHOXA_SYSTEMCTL:-systemctl}" "$@"; }
sys_useradd() { "${GLYPHOXA_USERADD:-useradd}" "$@"; }
sys_userdel() { "${GLYPHOXA_USERDEL:-userdel}" "$@"; }
sys_groupdel() { "${GLYPHOXA_GROUPDEL:-groupdel}" "$@"; }
sys_chown() { "${GLYPHOXA_CHOWN:-chown}" "$@"; }
sys_curl() { "${GLYPHOXA_CURL:-curl}" "$@"; }

# useradd/userdel/groupdel edit the /etc files under $ROOT (shadow's --prefix).
prefix_args() { if [[ -n $ROOT ]]; then printf '%s\n' --prefix "$ROOT"; fi; }

# --- arguments ----------------------------------------------------------------------

ACTION=install
ROOT=${GLYPHOXA_ROOT:-}
OPT_EDGE_URL=${EDGE_URL:-}
OPT_TOKEN=${NODE_TOKEN:-}
OPT_CAPACITY=${NODE_CAPACITY:-}
OPT_REGION=${NODE_REGION:-}
OPT_HEALTH_PORT=${HEALTH_PORT:-}
REGISTRY=${NPM_CONFIG_REGISTRY:-$DEFAULT_REGISTRY}
BUN_SHA256=${GLYPHOXA_BUN_SHA256:-}
SKIP_BUN_CHECKSUM=0
USE_SYSTEMD=1
EXTRA_ENV=()

parse_args() {
  while (($# > 0)); do
    local arg=$1 name value has_value=0
    shift
    if [[ $arg == --*=* ]]; then
      name=${arg%%=*}
      value=${arg#*=}
      has_value=1
    else
      name=$arg
    fi
    case $name in
      -h | --help)
        usage
        exit 0
        ;;
      --uninstall)
        ((has_value == 0)) || usage_error "--uninstall takes no value"
        ACTION=uninstall
        continue
        ;;
      --skip-bun-checksum)
        ((has_value == 0)) || usage_error "--skip-bun-checksum takes no value"
        SKIP_BUN_CHECKSUM=1
        continue
        ;;
      --no-systemd)
        ((has_value == 0)) || usage_error "--no-systemd takes no value"
        USE_SYSTEMD=0
        continue
        ;;
      --edge-url | --token | --capacity | --region | --health-port | --env | --registry | --bun-sha256 | --root)
        if ((has_value == 0)); then
          (($# > 0)) || usage_error "$name needs a value"
          value=$1
          shift
        fi
        ;;
      *) usage_error "unknown option: $name" ;;
    esac
    case $name in
      --edge-url) OPT_EDGE_URL=$value ;;
      --token) OPT_TOKEN=$value ;;
      --capacity) OPT_CAPACITY=$value ;;
      --region) OPT_REGION=$value ;;
      --health-port) OPT_HEALTH_PORT=$value ;;
      --env) EXTRA_ENV+=("$value") ;;
      --registry) REGISTRY=$value ;;
      --bun-sha256) BUN_SHA256=$value ;;
      --root) ROOT=$value ;;
    esac
  done
}

# --- validation ---------------------------------------------------------------------

readonly URL_RE='^https?://(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?)(:([0-9]{1,5}))?(/[A-Za-z0-9._~%!&()*+,;=:@/-]*)?$'
# Node tokens are `<node id>.<secret>` (base64url); this also keeps the env file free of
# anything that would need quoting.
readonly TOKEN_RE='^[A-Za-z0-9._~+/=:-]+$'
readonly ISSUED_TOKEN_RE='^node-[a-f0-9]{8}\.[A-Za-z0-9_-]{20,}$'
readonly REGION_RE='^[A-Za-z0-9._:-]{1,128}$'
readonly KEY_RE='^[A-Za-z_][A-Za-z0-9_]*$'

# Each check prints nothing and succeeds, or prints why not.
check_edge_url() {
  if [[ -z $1 ]]; then
    echo "is required"
  elif [[ ! $1 =~ $URL_RE ]]; then
    echo "must be an http:// or https:// URL like https://edge.example.com (no spaces, no credentials)"
  elif [[ -n ${BASH_REMATCH[4]} ]] && ((10#${BASH_REMATCH[4]} < 1 || 10#${BASH_REMATCH[4]} > 65535)); then
    echo "has a port outside 1-65535"
  fi
}
check_token() {
  if [[ -z $1 ]]; then
    echo "is required"
  elif [[ $1 =~ [[:space:]] ]]; then
    echo "must not contain whitespace (paste it exactly as POST /admin/nodes returned it)"
  elif [[ ! $1 =~ $TOKEN_RE ]]; then
    echo "has characters a node token never has (it looks like node-1a2b3c4d.<secret>)"
  fi
}
check_number() { # value min max
  if [[ ! $1 =~ ^[0-9]{1,6}$ ]] || ((10#$1 < $2 || 10#$1 > $3)); then echo "must be a whole number from $2 to $3"; fi
}
check_region() { [[ $1 =~ $REGION_RE ]] || echo "must be 1-128 characters of letters, digits, . _ : -"; }

validate() { # flag env-name check-function value [args...]
  local flag=$1 var=$2 fn=$3 value=$4 problem
  shift 4
  problem=$("$fn" "$value" "$@")
  [[ -z $problem ]] || usage_error "$flag ($var) $problem"
}

# --- the env file ---------------------------------------------------------------------

# Double-quoted the way both systemd's EnvironmentFile= and sh read it.
quote_value() {
  local v=$1
  v=${v//\\/\\\\}
  v=${v//\"/\\\"}
  v=${v//\$/\\\$}
  v=${v//\`/\\\`}
  printf '"%s"' "$v"
}
unquote_value() {
  local v=$1 out='' i c
  if [[ ${#v} -ge 2 && $v == \"*\" ]]; then
    v=${v:1:${#v}-2}
    for ((i = 0; i < ${#v}; i++)); do
      c=${v:i:1}
      if [[ $c == "\\" ]] && ((i + 1 < ${#v})); then
        i=$((i + 1))
        c=${v:i:1}
      fi
      out+=$c
    done
    v=$out
  elif [[ ${#v} -ge 2 && $v == \'*\' ]]; then
    v=${v:1:${#v}-2}
  fi
  printf '%s' "$v"
}

declare -A CURRENT=() # managed settings found in the existing env file
OTHER_LINES=()        # its other settings, kept
read_env_file() {
  local file=$ROOT$ENV_FILE line key
  [[ -f $file ]] || return 0
  while IFS= read -r line || [[ -n $line ]]; do
    [[ $line =~ ^[[:space:]]*(#|$) ]] && continue
    key=$(line_key "$line")
    if [[ $line == *=* ]] && is_managed "$key"; then
      CURRENT[$key]=$(unquote_value "${line#*=}")
    else
      OTHER_LINES+=("$line")
    fi
  done <"$file"
}
line_key() { # KEY of a KEY=VALUE line, without surrounding blanks or an `export `
  local key=${1%%=*}
  key=${key#"${key%%[![:space:]]*}"}
  key=${key#export }
  key=${key%"${key##*[![:space:]]}"}
  printf '%s' "$key"
}
is_managed() {
  local k
  for k in "${MANAGED_KEYS[@]}"; do [[ $k == "$1" ]] && return 0; done
  return 1
}

# --- asking -----------------------------------------------------------------------------

prompt() { # variable label check-function secret
  local var=$1 label=$2 fn=$3 secret=$4 answer problem tries
  for tries in 1 2 3; do
    if [[ $secret == yes ]]; then
      read -r -s -p "$label: " answer || answer=''
      printf '\n' >&2
    else
      read -r -p "$label: " answer || answer=''
    fi
    problem=$("$fn" "$answer")
    if [[ -z $problem ]]; then
      printf -v "$var" '%s' "$answer"
      return 0
    fi
    printf '  that %s; try again\n' "$problem" >&2
    [[ $tries -lt 3 ]] || usage_error "no valid ${label,,} after 3 tries"
  done
}

# --- systemd, or another supervisor ----------------------------------------------------------

# Why systemd cannot run the service here, or nothing. It must be the init system (the
# directory sd_booted() looks for; under $ROOT in tests), with systemctl to drive it.
systemd_missing() {
  if [[ ! -d $ROOT/run/systemd/system ]]; then
    echo "systemd is not the init system here (no /run/systemd/system: a container, WSL, a chroot?)"
  elif ! command -v "${GLYPHOXA_SYSTEMCTL:-systemctl}" >/dev/null; then
    echo "systemctl is not installed"
  fi
}

# Checked before anything is done, so a machine without systemd learns it at once.
require_systemd() {
  local problem
  problem=$(systemd_missing)
  if ((USE_SYSTEMD == 0)) || [[ -z $problem ]]; then return 0; fi
  cat >&2 <<EOF
install.sh: $problem, and this script installs the node as a systemd service. Nothing was changed.
Under another supervisor (runit, s6, supervisord, a container's entrypoint), run it again with
--no-systemd: it installs the same files but no unit. Your supervisor then runs, as root,
  $(supervisor_command)
which reads the node's settings from $ENV_FILE and runs it as user $SERVICE_USER.
EOF
  exit 1
}

# What the unit runs, as one command line for another supervisor: as root, it reads the env
# file (root-only), then drops to the service user in the state directory, like the unit.
supervisor_command() {
  printf "sh -c 'umask 027 && cd %s && set -a && . %s && exec setpriv --reuid=%s --regid=%s --init-groups --no-new-privs env HOME=%s XDG_CACHE_HOME=%s/cache %s --config=%s %s'" \
    "$STATE_DIR" "$ENV_FILE" "$SERVICE_USER" "$SERVICE_USER" "$STATE_DIR" "$STATE_DIR" "$BUN_DIR/bun" "$BUNFIG" "$MAIN_TS"
}

print_supervisor_help() {
  if ((HAD_RECORD && ${#PENDING[@]} > 0)); then step "node" "new $PENDING_LIST since the last run: restart it"; fi
  say "Nothing supervises the node (--no-systemd). Have your supervisor run, as root:"
  say "  $(supervisor_command)"
  say "It reads the settings from $ENV_FILE and runs the node as user $SERVICE_USER. Restart it"
  say "when it exits, except with status 2 (a bad setting: fix $ENV_FILE); stop it with SIGTERM"
  say "and allow 15 s. Health: curl -s http://127.0.0.1:$HEALTH_PORT_VALUE/healthz"
}

# --- steps ----------------------------------------------------------------------------------

SOURCE_ROOT=''
find_source() {
  SOURCE_ROOT=$(cd -P -- "$SCRIPT_DIR/.." && pwd)
  local need
  for need in package.json voice-node/package.json voice-node/src/main.ts voice-node/deploy/$SERVICE.service.in; do
    [[ -f $SOURCE_ROOT/$need ]] || die "$SOURCE_ROOT/$need is missing: run install.sh from a Glyphoxa checkout or release (the voice-node/ folder next to protocol/ and providers/)"
  done
}

install_packages() {
  local admindir=$ROOT/var/lib/dpkg pkg status missing=()
  declare -A installed=()
  while IFS=' ' read -r pkg status; do
    if [[ $status == installed ]]; then installed[$pkg]=1; fi
  done < <(dpkg-query --admindir="$admindir" -W -f='${Package} ${db:Status-Status}\n' "${APT_PACKAGES[@]}" 2>/dev/null || true)
  for pkg in "${APT_PACKAGES[@]}"; do
    [[ -n ${installed[$pkg]:-} ]] || missing+=("$pkg")
  done
  if ((${#missing[@]} == 0)); then
    step "system packages" "already installed: ${APT_PACKAGES[*]}"
    return
  fi
  step "system packages" "installing ${missing[*]} (apt-get)"
  local log=$WORK_DIR/apt.log
  if ! sys_apt_get update -q >"$log" 2>&1 || ! sys_apt_get install -y -q --no-install-recommends "${missing[@]}" >>"$log" 2>&1; then
    cat -- "$log" >&2
    die "apt-get could not install ${missing[*]}"
  fi
}

user_exists() {
  if [[ -n $ROOT ]]; then grep -q "^$1:" "$ROOT/etc/passwd" 2>/dev/null; else getent passwd "$1" >/dev/null; fi
}
group_exists() {
  if [[ -n $ROOT ]]; then grep -q "^$1:" "$ROOT/etc/group" 2>/dev/null; else getent group "$1" >/dev/null; fi
}
# Numeric ids, read from $ROOT's /etc files when there is a $ROOT.
uid_of() {
  if [[ -n $ROOT ]]; then awk -F: -v n="$1" '$1 == n { print $3; exit }' "$ROOT/etc/passwd" 2>/dev/null || true; else id -u "$1" 2>/dev/null || true; fi
}
gid_of() {
  if [[ -n $ROOT ]]; then awk -F: -v n="$1" '$1 == n { print $3; exit }' "$ROOT/etc/group" 2>/dev/null || true; else getent group "$1" | cut -d: -f3 || true; fi
}

SERVICE_UID='' SERVICE_GID=''
ensure_user() {
  if user_exists "$SERVICE_USER"; then
    step "user $SERVICE_USER" "exists"
  else
    local prefix
    mapfile -t prefix < <(prefix_args)
    sys_useradd "${prefix[@]}" --system --user-group --home-dir "$STATE_DIR" --no-create-home \
      --shell /usr/sbin/nologin --comment "Glyphoxa voice node" "$SERVICE_USER" || die "useradd $SERVICE_USER failed"
    step "user $SERVICE_USER" "created (system user, no login)"
  fi
  SERVICE_UID=$(uid_of "$SERVICE_USER")
  SERVICE_GID=$(gid_of "$SERVICE_USER")
  [[ -n $SERVICE_UID && -n $SERVICE_GID ]] || die "cannot find the ids of user $SERVICE_USER"
}

BUN_ASSET=''
pick_bun_asset() {
  case $(uname -m) in
    x86_64 | amd64)
      # CPUs without AVX2 need Bun's baseline build.
      if grep -qw avx2 /proc/cpuinfo 2>/dev/null; then BUN_ASSET="bun-linux-x64"; else BUN_ASSET="bun-linux-x64-baseline"; fi
      ;;
    aarch64 | arm64) BUN_ASSET="bun-linux-aarch64" ;;
    *) die "no Bun build for this machine ($(uname -m)); Bun supports x86_64 and aarch64" ;;
  esac
}

WORK_DIR=''
cleanup() {
  if [[ -n $WORK_DIR ]]; then rm -rf -- "$WORK_DIR"; fi
  rm -rf -- "$ROOT$APP_DIR.new" "$ROOT$APP_DIR.old"
}

download() { # url file
  sys_curl --fail --silent --show-error --location --retry 3 --connect-timeout 20 --output "$2" "$1"
}

install_bun() {
  local bun=$ROOT$BUN_DIR/bun have=''
  if [[ -x $bun ]]; then have=$("$bun" --version 2>/dev/null || true); fi
  if [[ $have == "$BUN_VERSION" ]]; then
    step "Bun $BUN_VERSION" "already installed ($BUN_DIR/bun)"
    return
  fi
  local asset tgz url expected how actual checked
  pick_bun_asset
  asset=$BUN_ASSET
  tgz=$WORK_DIR/$asset.tgz
  url="${REGISTRY%/}/@oven/$asset/-/$asset-$BUN_VERSION.tgz"
  if [[ -n $BUN_SHA256 ]]; then
    expected=${BUN_SHA256,,} how="--bun-sha256"
  else
    expected=${BUN_PINNED_SHA256[$asset@$BUN_VERSION]:-} how="pinned in install.sh for Bun $BUN_VERSION"
  fi
  if [[ -z $expected ]] && ((SKIP_BUN_CHECKSUM == 0)); then
    die "install.sh pins no SHA-256 for $asset $BUN_VERSION, so it cannot verify Bun: pin it in BUN_PINNED_SHA256 (docs/SELF_HOSTING.md, Bun's checksum), or pass --bun-sha256 HEX, or --skip-bun-checksum for an unverified Bun"
  fi
  download "$url" "$tgz" || die "could not download Bun from $url"
  actual=$(sha256sum "$tgz" | cut -d' ' -f1)
  if [[ $actual == "$expected" ]]; then
    checked="sha256 checked ($how)"
  elif ((SKIP_BUN_CHECKSUM)); then
    warn "Bun is NOT verified (--skip-bun-checksum): $asset-$BUN_VERSION.tgz has sha256 $actual, expected ${expected:-none}"
    checked="checksum NOT verified: --skip-bun-checksum"
  else
    die "Bun download failed its checksum: $asset-$BUN_VERSION.tgz from $url has sha256 $actual, expected ${expected:-none} ($how)"
  fi
  mkdir -p "$WORK_DIR/bun-unpacked"
  tar -xzf "$tgz" -C "$WORK_DIR/bun-unpacked" package/bin/bun 2>/dev/null || die "could not unpack package/bin/bun from $asset-$BUN_VERSION.tgz"
  mkdir -p "$ROOT$BUN_DIR"
  install -m 0755 "$WORK_DIR/bun-unpacked/package/bin/bun" "$bun.new"
  have=$("$bun.new" --version 2>/dev/null || true)
  if [[ $have != "$BUN_VERSION" ]]; then
    rm -f "$bun.new"
    die "the downloaded Bun reports version '${have}', expected $BUN_VERSION"
  fi
  mv -f "$bun.new" "$bun"
  step "Bun $BUN_VERSION" "installed to $BUN_DIR/bun from $asset-$BUN_VERSION.tgz ($checked)"
}

# Maps @glyphoxa/<name> to its folder, for every workspace in the source.
declare -A WORKSPACE_DIR=()
index_workspaces() {
  local manifest name
  for manifest in "$SOURCE_ROOT"/*/package.json; do
    name=$(sed -n 's/^[[:space:]]*"name"[[:space:]]*:[[:space:]]*"\([^"]*\)".*/\1/p;T;q' "$manifest")
    if [[ -n $name ]]; then WORKSPACE_DIR[$name]=$(basename -- "$(dirname -- "$manifest")"); fi
  done
}

# voice-node plus every workspace it depends on, transitively.
RUNTIME_DIRS=()
find_runtime_workspaces() {
  index_workspaces
  local -a queue=(voice-node)
  local -A seen=([voice-node]=1)
  local dir dep
  while ((${#queue[@]} > 0)); do
    dir=${queue[0]}
    queue=("${queue[@]:1}")
    RUNTIME_DIRS+=("$dir")
    while read -r dep; do
      local next=${WORKSPACE_DIR[$dep]:-}
      [[ -n $next ]] || die "$dir depends on $dep, which is not in $SOURCE_ROOT"
      if [[ -z ${seen[$next]:-} ]]; then
        seen[$next]=1
        queue+=("$next")
      fi
    done < <(grep -o '"@glyphoxa/[A-Za-z0-9._-]*"[[:space:]]*:' "$SOURCE_ROOT/$dir/package.json" | sed 's/"\([^"]*\)".*/\1/' | sort -u)
  done
}

# What the node needs at run time, relative to the source root, NUL-separated and sorted:
# the root manifest and lockfile, every workspace's package.json (so the lockfile still
# matches), and the sources of the workspaces the node uses (no tests, no node_modules).
source_files() {
  (
    cd -- "$SOURCE_ROOT"
    {
      for f in package.json package-lock.json bun.lock bun.lockb bunfig.toml .npmrc tsconfig.base.json; do
        if [[ -f $f ]]; then printf '%s\0' "$f"; fi
      done
      for f in */package.json; do printf '%s\0' "$f"; done
      find "${RUNTIME_DIRS[@]}" \( -name node_modules -o -name test -o -name '.*' -o -name '*.tmp*' -o -name 'vitest.config.*' \) -prune \
        -o -type f -print0
    } | LC_ALL=C sort -zu
  )
}

install_code() {
  local list=$WORK_DIR/files hash old='' staging=$ROOT$APP_DIR.new
  find_runtime_workspaces
  source_files >"$list"
  # The hash covers names and contents, plus the Bun version that installs the dependencies.
  hash=$({
    echo "bun $BUN_VERSION"
    (cd -- "$SOURCE_ROOT" && xargs -0 sha256sum --) <"$list"
  } | sha256sum | cut -d' ' -f1)
  if [[ -f $ROOT$APP_DIR/.source-sha256 ]]; then old=$(<"$ROOT$APP_DIR/.source-sha256"); fi
  if [[ $old == "$hash" && -d $ROOT$APP_DIR/node_modules ]]; then
    step "voice node" "up to date ($APP_DIR, source ${hash:0:12})"
    return
  fi
  rm -rf -- "$staging"
  mkdir -p -- "$staging"
  # Owned by root whoever owns the checkout: the service must not be able to change its code.
  tar -C "$SOURCE_ROOT" --null -T "$list" --owner=0 --group=0 --numeric-owner --mode='u+rwX,go+rX,go-w' -cf - |
    tar -C "$staging" --no-same-owner -xf - || die "could not copy the node's files from $SOURCE_ROOT"
  # Production dependencies of the node's workspaces only, exactly as the lockfile pins
  # them; no package's install script runs as root (the node needs none of them).
  local frozen=()
  if [[ -f $staging/package-lock.json || -f $staging/bun.lock || -f $staging/bun.lockb ]]; then frozen=(--frozen-lockfile); fi
  if ! (cd -- "$staging" && NPM_CONFIG_REGISTRY=$REGISTRY BUN_INSTALL_CACHE_DIR=$ROOT$CACHE_DIR/bun "$ROOT$BUN_DIR/bun" install --production "${frozen[@]}" --filter @glyphoxa/voice-node \
    --ignore-scripts --no-progress --no-summary >"$WORK_DIR/bun-install.log" 2>&1); then
    cat "$WORK_DIR/bun-install.log" >&2
    die "bun install failed in $APP_DIR.new (the node's dependencies come from $REGISTRY)"
  fi
  printf '%s\n' "$hash" >"$staging/.source-sha256"
  if [[ -d $ROOT$APP_DIR ]]; then mv -- "$ROOT$APP_DIR" "$ROOT$APP_DIR.old"; fi
  mv -- "$staging" "$ROOT$APP_DIR"
  rm -rf -- "$ROOT$APP_DIR.old"
  step "voice node" "$(if [[ -n $old ]]; then echo updated; else echo installed; fi) in $APP_DIR (source ${hash:0:12}, bun install --production)"
}

ensure_state_dir() {
  if [[ -d $ROOT$STATE_DIR ]]; then return; fi
  mkdir -p -- "$ROOT$STATE_DIR"
  chmod 0750 "$ROOT$STATE_DIR"
  sys_chown "$SERVICE_UID:$SERVICE_GID" "$ROOT$STATE_DIR" || die "chown $ROOT$STATE_DIR failed"
  step "state directory" "created $STATE_DIR"
}

write_env_file() {
  local file=$ROOT$ENV_FILE content key changed=() line entry
  declare -A value=()
  value[EDGE_URL]=$EDGE_URL_VALUE
  value[NODE_TOKEN]=$TOKEN_VALUE
  value[NODE_CAPACITY]=$CAPACITY_VALUE
  value[NODE_REGION]=$REGION_VALUE
  value[HEALTH_PORT]=$HEALTH_PORT_VALUE
  content="# Glyphoxa voice node settings, read by systemd (EnvironmentFile=) for $SERVICE.service.
# Written by voice-node/install.sh: re-run it to change the settings it manages; other
# lines are kept. After editing by hand: systemctl restart $SERVICE
"
  for key in "${MANAGED_KEYS[@]}"; do
    if [[ -n ${value[$key]} ]]; then content+="$key=$(quote_value "${value[$key]}")"$'\n'; fi
  done
  # --env KEY=VALUE replaces KEY's line (the last --env for a KEY wins); KEY= removes it.
  declare -A extra=()
  local extra_order=()
  for entry in "${EXTRA_ENV[@]}"; do
    key=${entry%%=*}
    if [[ -z ${extra[$key]+set} ]]; then extra_order+=("$key"); fi
    extra[$key]=${entry#*=}
  done
  for line in "${OTHER_LINES[@]}"; do
    key=$(line_key "$line")
    if [[ -z $key || -z ${extra[$key]+set} ]]; then content+="$line"$'\n'; fi
  done
  for key in "${extra_order[@]}"; do
    if [[ -n ${extra[$key]} ]]; then content+="$key=$(quote_value "${extra[$key]}")"$'\n'; fi
  done

  for key in "${MANAGED_KEYS[@]}"; do
    [[ ${value[$key]} == "${CURRENT[$key]:-}" ]] || changed+=("$key")
  done
  changed+=("${extra_order[@]}")

  mkdir -p -- "$ROOT$CONF_DIR"
  if [[ -f $file && "$(cat -- "$file"; printf x)" == "${content}x" ]]; then
    chmod 0600 "$file"
    step "settings" "unchanged ($ENV_FILE)"
    return
  fi
  chmod 0750 "$ROOT$CONF_DIR"
  sys_chown "0:$SERVICE_GID" "$ROOT$CONF_DIR" || die "chown $ROOT$CONF_DIR failed"
  local tmp
  tmp=$(umask 077 && mktemp "$ROOT$CONF_DIR/.voice-node.env.XXXXXX")
  printf '%s' "$content" >"$tmp"
  chmod 0600 "$tmp"
  sys_chown "0:$SERVICE_GID" "$tmp" || {
    rm -f -- "$tmp"
    die "chown $ENV_FILE failed"
  }
  mv -f -- "$tmp" "$file"
  if ((${#changed[@]} == 0)); then changed=(layout); fi
  step "settings" "wrote $ENV_FILE (mode 0600; ${changed[*]})"
}

UNIT_EXISTED=0
install_unit() {
  local file=$ROOT$UNIT_FILE rendered
  rendered=$(sed -e "s|@USER@|$SERVICE_USER|g" -e "s|@ENV_FILE@|$ENV_FILE|g" -e "s|@STATE_DIR@|$STATE_DIR|g" \
    -e "s|@STATE_NAME@|${STATE_DIR#/var/lib/}|g" -e "s|@BUN@|$BUN_DIR/bun|g" -e "s|@BUNFIG@|$BUNFIG|g" -e "s|@MAIN@|$MAIN_TS|g" \
    "$SCRIPT_DIR/deploy/$SERVICE.service.in")
  if [[ -f $file ]]; then UNIT_EXISTED=1; fi
  if [[ -f $file && "$(cat -- "$file")" == "$rendered" ]]; then
    step "systemd unit" "unchanged ($UNIT_FILE)"
    return
  fi
  mkdir -p -- "$(dirname -- "$file")"
  printf '%s\n' "$rendered" >"$file.tmp"
  chmod 0644 "$file.tmp"
  mv -f -- "$file.tmp" "$file"
  step "systemd unit" "$( ((UNIT_EXISTED)) && echo updated || echo installed) $UNIT_FILE"
}

# One line per part the node runs on, "<part> <fingerprint>"; the unit only under systemd.
applied_now() {
  printf 'bun %s\n' "$BUN_VERSION"
  printf 'code %s\n' "$(<"$ROOT$APP_DIR/.source-sha256")"
  printf 'settings %s\n' "$(sha256sum -- "$ROOT$ENV_FILE" | cut -d' ' -f1)"
  if ((USE_SYSTEMD)); then printf 'unit %s\n' "$(sha256sum -- "$ROOT$UNIT_FILE" | cut -d' ' -f1)"; fi
}

# The parts that differ from what the node last started with; without a record, all of them.
APPLIED='' PENDING=() PENDING_LIST='' HAD_RECORD=0
find_pending() {
  local last='' line
  APPLIED=$(applied_now)
  if [[ -f $ROOT$APPLIED_FILE ]]; then last=$(<"$ROOT$APPLIED_FILE") HAD_RECORD=1; fi
  PENDING=()
  while IFS= read -r line; do
    grep -qxF -- "$line" <<<"$last" || PENDING+=("${line%% *}")
  done <<<"$APPLIED"
  printf -v PENDING_LIST '%s, ' "${PENDING[@]}"
  PENDING_LIST=${PENDING_LIST%, }
}

# Only once the node runs (or, with --no-systemd, has been told to restart) on what is installed.
record_applied() {
  if [[ -f $ROOT$APPLIED_FILE && "$(<"$ROOT$APPLIED_FILE")" == "$APPLIED" ]]; then return 0; fi
  (umask 077 && printf '%s\n' "$APPLIED" >"$ROOT$APPLIED_FILE.tmp")
  mv -f -- "$ROOT$APPLIED_FILE.tmp" "$ROOT$APPLIED_FILE"
}

is_pending() {
  local part
  for part in "${PENDING[@]}"; do [[ $part == "$1" ]] && return 0; done
  return 1
}

start_service() {
  find_pending
  if is_pending unit; then sys_systemctl daemon-reload || die "systemctl daemon-reload failed"; fi
  if ((UNIT_EXISTED && ${#PENDING[@]} > 0)); then
    sys_systemctl enable "$SERVICE.service" || die "systemctl enable $SERVICE failed"
    sys_systemctl restart "$SERVICE.service" || die "systemctl restart $SERVICE failed; see journalctl -u $SERVICE"
    if ((HAD_RECORD)); then
      step "service" "restarted: new $PENDING_LIST since it last started"
    else
      step "service" "restarted (no record of what it last started with)"
    fi
  else
    sys_systemctl enable --now "$SERVICE.service" || die "systemctl enable --now $SERVICE failed; see journalctl -u $SERVICE"
    if ((UNIT_EXISTED)); then
      step "service" "nothing changed; made sure it is enabled and running (systemctl enable --now)"
    else
      step "service" "enabled and started (systemctl enable --now)"
    fi
  fi
  record_applied
}

# --- the two actions -----------------------------------------------------------------------

EDGE_URL_VALUE='' TOKEN_VALUE='' CAPACITY_VALUE='' REGION_VALUE='' HEALTH_PORT_VALUE=''
resolve_settings() {
  read_env_file
  EDGE_URL_VALUE=${OPT_EDGE_URL:-${CURRENT[EDGE_URL]:-}}
  TOKEN_VALUE=${OPT_TOKEN:-${CURRENT[NODE_TOKEN]:-}}
  CAPACITY_VALUE=${OPT_CAPACITY:-${CURRENT[NODE_CAPACITY]:-}}
  REGION_VALUE=${OPT_REGION:-${CURRENT[NODE_REGION]:-}}
  HEALTH_PORT_VALUE=${OPT_HEALTH_PORT:-${CURRENT[HEALTH_PORT]:-$DEFAULT_HEALTH_PORT}}

  if [[ -z $EDGE_URL_VALUE || -z $TOKEN_VALUE ]]; then
    if [[ -t 0 ]]; then
      say "Register the node first: POST /admin/nodes {\"pool\": \"<tenant id>\"} answers {node_id, token}."
      [[ -n $EDGE_URL_VALUE ]] || prompt EDGE_URL_VALUE "Edge URL (https://...)" check_edge_url no
      [[ -n $TOKEN_VALUE ]] || prompt TOKEN_VALUE "Node token (input hidden)" check_token yes
    else
      local missing=()
      [[ -n $EDGE_URL_VALUE ]] || missing+=("--edge-url URL (or EDGE_URL)")
      [[ -n $TOKEN_VALUE ]] || missing+=("--token TOKEN (or NODE_TOKEN)")
      usage_error "missing ${missing[*]}: stdin is not a terminal, so nothing can be asked. The token comes from POST /admin/nodes {\"pool\": \"<tenant id>\"}."
    fi
  fi
  validate --edge-url EDGE_URL check_edge_url "$EDGE_URL_VALUE"
  validate --token NODE_TOKEN check_token "$TOKEN_VALUE"
  [[ -z $CAPACITY_VALUE ]] || validate --capacity NODE_CAPACITY check_number "$CAPACITY_VALUE" 1 1000
  [[ -z $REGION_VALUE ]] || validate --region NODE_REGION check_region "$REGION_VALUE"
  validate --health-port HEALTH_PORT check_number "$HEALTH_PORT_VALUE" 1 65535
  # Leading zeros are not numbers to the node.
  [[ -z $CAPACITY_VALUE ]] || CAPACITY_VALUE=$((10#$CAPACITY_VALUE))
  HEALTH_PORT_VALUE=$((10#$HEALTH_PORT_VALUE))
  local entry key
  for entry in "${EXTRA_ENV[@]}"; do
    key=${entry%%=*}
    [[ $entry == *=* && $key =~ $KEY_RE ]] || usage_error "--env needs KEY=VALUE, KEY made of letters, digits and _"
    ! is_managed "$key" || usage_error "--env $key: use its own option (see --help)"
    [[ $entry != *$'\n'* && $entry != *$'\r'* ]] || usage_error "--env $key: the value must be one line"
  done

  if [[ $EDGE_URL_VALUE == http://* && ! $EDGE_URL_VALUE =~ ^http://(localhost|127\.[0-9.]+|\[::1\])([:/]|$) ]]; then
    warn "$EDGE_URL_VALUE is plain http: the node token crosses the network unencrypted; use https"
  fi
  if [[ ! $TOKEN_VALUE =~ $ISSUED_TOKEN_RE ]]; then
    warn "the token does not look like one from POST /admin/nodes (node-xxxxxxxx.<secret>); the edge may refuse it"
  fi
}

do_install() {
  require_systemd
  find_source
  resolve_settings
  if [[ -n $BUN_SHA256 && ! $BUN_SHA256 =~ ^[0-9A-Fa-f]{64}$ ]]; then
    usage_error "--bun-sha256 (GLYPHOXA_BUN_SHA256) must be 64 hex digits"
  fi
  if [[ -n $BUN_SHA256 ]] && ((SKIP_BUN_CHECKSUM)); then usage_error "--bun-sha256 and --skip-bun-checksum exclude each other"; fi
  [[ $REGISTRY =~ $URL_RE ]] || usage_error "--registry (NPM_CONFIG_REGISTRY) must be an http:// or https:// URL"

  local node=''
  if [[ $TOKEN_VALUE =~ $ISSUED_TOKEN_RE ]]; then node=" ${TOKEN_VALUE%%.*}"; fi
  say "Installing the Glyphoxa voice node$node${ROOT:+ under $ROOT} (edge $EDGE_URL_VALUE)"
  WORK_DIR=$(mktemp -d "${TMPDIR:-/tmp}/glyphoxa-install.XXXXXX")
  trap cleanup EXIT
  install_packages
  ensure_user
  install_bun
  install_code
  ensure_state_dir
  write_env_file
  if ((USE_SYSTEMD == 0)); then
    find_pending
    record_applied
    print_supervisor_help
    return
  fi
  install_unit
  start_service
  report_health
  say "Done. Health: curl -s http://127.0.0.1:$HEALTH_PORT_VALUE/healthz   Logs: journalctl -u $SERVICE -f"
}

# On a real system, waits a little for the node to answer /healthz and reach the edge.
report_health() {
  [[ -z $ROOT ]] || return 0
  local url="http://127.0.0.1:$HEALTH_PORT_VALUE/healthz" answer='' i
  for ((i = 0; i < ${GLYPHOXA_HEALTH_WAIT:-15}; i++)); do
    answer=$(sys_curl --silent --max-time 2 "$url" 2>/dev/null || true)
    [[ $answer == *'"connected":true'* ]] && break
    sleep 1
  done
  if [[ $answer == *'"connected":true'* ]]; then
    step "health" "answering on $url, connected to the edge"
  elif [[ -n $answer ]]; then
    warn "the node runs but has not reached the edge yet ($answer); check the edge URL and token: journalctl -u $SERVICE"
  else
    warn "no answer on $url yet; see systemctl status $SERVICE and journalctl -u $SERVICE"
  fi
}

# Goes on past a step that fails (the rest can still be removed), then names what was not done.
do_uninstall() {
  say "Removing the Glyphoxa voice node${ROOT:+ under $ROOT}"
  local nothing=1 path prefix not_done=()
  if [[ -f $ROOT$UNIT_FILE ]]; then
    nothing=0
    if sys_systemctl disable --now "$SERVICE.service"; then
      step "service" "stopped and disabled"
      if rm -rf -- "$ROOT$UNIT_FILE" "$ROOT$UNIT_FILE.d"; then
        step "systemd unit" "removed $UNIT_FILE"
      else
        not_done+=("$UNIT_FILE was not (fully) removed")
      fi
      if sys_systemctl daemon-reload; then
        sys_systemctl reset-failed "$SERVICE.service" >/dev/null 2>&1 || true
      else
        step "systemd" "NOT reloaded: systemctl daemon-reload failed"
        not_done+=("systemd was not reloaded (systemctl daemon-reload failed): it knows the removed unit until systemctl daemon-reload")
      fi
    else
      # Kept, so that running --uninstall again retries.
      step "service" "NOT stopped or disabled: systemctl disable --now failed; unit kept"
      not_done+=("the service was not stopped or disabled (systemctl disable --now failed), so it may still be running: see systemctl status $SERVICE. $UNIT_FILE is kept for the next --uninstall; where systemd will never run it, delete it by hand")
    fi
  fi
  for path in "$CONF_DIR" "$PREFIX_DIR" "$STATE_DIR" "$CACHE_DIR"; do
    [[ -e $ROOT$path ]] || continue
    nothing=0
    if rm -rf -- "$ROOT$path"; then step "removed" "$path"; else not_done+=("$path was not (fully) removed"); fi
  done
  mapfile -t prefix < <(prefix_args)
  if user_exists "$SERVICE_USER"; then
    nothing=0
    if sys_userdel "${prefix[@]}" "$SERVICE_USER"; then
      step "user $SERVICE_USER" "removed"
    else
      step "user $SERVICE_USER" "NOT removed: userdel failed"
      not_done+=("user $SERVICE_USER was not removed (userdel failed; is a process of it still running?)")
    fi
  fi
  if group_exists "$SERVICE_USER"; then
    nothing=0
    if user_exists "$SERVICE_USER"; then
      step "group $SERVICE_USER" "NOT removed: user $SERVICE_USER still exists"
      not_done+=("group $SERVICE_USER was not removed (user $SERVICE_USER still exists)")
    elif sys_groupdel "${prefix[@]}" "$SERVICE_USER"; then
      step "group $SERVICE_USER" "removed"
    else
      step "group $SERVICE_USER" "NOT removed: groupdel failed"
      not_done+=("group $SERVICE_USER was not removed (groupdel failed)")
    fi
  fi
  if ((nothing)); then say "  nothing to remove: not installed"; fi
  if ((${#not_done[@]} > 0)); then
    printf 'install.sh: not done:\n' >&2
    printf '  - %s\n' "${not_done[@]}" >&2
    printf 'Once that is fixed, install.sh --uninstall again finishes what is left.\n' >&2
    exit 1
  fi
  say "Done. The system packages (${APT_PACKAGES[*]}) stay installed."
}

main() {
  parse_args "$@"
  if [[ -n $ROOT ]]; then
    [[ $ROOT == /* ]] || usage_error "--root (GLYPHOXA_ROOT) must be an absolute path"
    ROOT=${ROOT%/}
    mkdir -p -- "${ROOT:-/}"
  fi
  if [[ -z $ROOT && $EUID -ne 0 ]]; then die "run it as root (sudo $0 ...)"; fi
  case $ACTION in
    install) do_install ;;
    uninstall) do_uninstall ;;
  esac
}

main "$@"
