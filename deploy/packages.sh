# Sourced by deploy/setup and deploy/test: installs the Debian 12 packages
# the build needs, asking apt only for what is missing.
CAREBRIDGE_PACKAGES="g++ cmake ninja-build pkg-config libboost1.81-dev rapidjson-dev
  libsqlite3-dev libcurl4-openssl-dev libssl-dev libgtest-dev ca-certificates"

install_missing_packages() {
  local missing=""
  for p in $CAREBRIDGE_PACKAGES "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
  done
  [ -z "$missing" ] && return 0
  echo "installing:$missing"
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends $missing
}

# Configures (once) and builds the tree in build/.
build_carebridge() {
  local root="$1"
  cmake -S "$root" -B "$root/build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo "${@:2}" >/dev/null
  cmake --build "$root/build"
}
