#!/usr/bin/env bash
# Installs every Debian package abigen, its tests and its benchmark need (idempotent).
set -euo pipefail
PKGS=(
  libclang-dev clang llvm liburing-dev linux-libc-dev linux-source-6.12 linux-source-6.1
  linux-libc-dev-i386-cross linux-libc-dev-arm64-cross linux-libc-dev-armhf-cross
  libc6-dev-i386-cross libc6-dev-arm64-cross libc6-dev-armhf-cross
  # Cross headers of every Linux target abigen verifies (issue 14), and gcc cross compilers for the two-compiler checks.
  linux-libc-dev-x32-cross libc6-dev-x32-cross linux-libc-dev-armel-cross libc6-dev-armel-cross
  linux-libc-dev-ppc64el-cross libc6-dev-ppc64el-cross linux-libc-dev-ppc64-cross libc6-dev-ppc64-cross
  linux-libc-dev-powerpc-cross libc6-dev-powerpc-cross linux-libc-dev-s390x-cross libc6-dev-s390x-cross
  linux-libc-dev-mips-cross libc6-dev-mips-cross linux-libc-dev-mipsel-cross libc6-dev-mipsel-cross
  linux-libc-dev-mips64-cross libc6-dev-mips64-cross linux-libc-dev-mips64el-cross libc6-dev-mips64el-cross
  linux-libc-dev-mipsn32-cross libc6-dev-mipsn32-cross linux-libc-dev-riscv64-cross libc6-dev-riscv64-cross
  linux-libc-dev-sparc64-cross libc6-dev-sparc64-cross linux-libc-dev-m68k-cross libc6-dev-m68k-cross
  gcc-m68k-linux-gnu gcc-s390x-linux-gnu gcc-powerpc64-linux-gnu gcc-mips-linux-gnu
  binutils xz-utils librsvg2-bin bindgen hyperfine
  dwarves bpftool
  zlib1g-dev libx11-dev x11proto-dev libfreetype-dev libexpat1-dev libsqlite3-dev liblzma-dev libbz2-dev
  libpng-dev libxml2-dev libxcb1-dev libncurses-dev uuid-dev libyaml-dev libegl-dev libgl-dev libfontconfig-dev libbrotli-dev
)
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get -o DPkg::Lock::Timeout=600 update
  apt-get -o DPkg::Lock::Timeout=600 install -y --no-install-recommends "${missing[@]}"
fi
