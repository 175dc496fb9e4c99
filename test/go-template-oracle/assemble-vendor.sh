#!/bin/bash
# Assembles vendor/ for the oracle without a module proxy, from git clones of each module at the tag go.mod pins.
# Usage: test/go-template-oracle/assemble-vendor.sh CLONES_DIR
# where CLONES_DIR/OWNER+NAME is a clone (bare or not) of github.com/OWNER/NAME, e.g. CLONES_DIR/Masterminds+sprig.
set -euo pipefail
clones=$1
here=$(cd "$(dirname "$0")" && pwd)
vendor=$here/vendor
rm -rf "$vendor"
mkdir -p "$vendor"
: >"$vendor/modules.txt"

# module  clone  tag  paths-to-extract(or .)  packages...
add() {
  local module=$1 clone=$2 tag=$3 paths=$4
  shift 4
  local gitdir=$clones/$clone
  [ -d "$gitdir/.git" ] && gitdir=$gitdir/.git
  [ -d "$gitdir/repo" ] && gitdir=$gitdir/repo
  [ -d "$gitdir/.git" ] && gitdir=$gitdir/.git
  mkdir -p "$vendor/$module"
  # shellcheck disable=SC2086
  git --git-dir="$gitdir" archive "$tag" $paths | tar -x -C "$vendor/$module"
  local version
  version=$(sed -n "s|^[[:space:]]*$module \(v[^ ]*\).*|\1|p" "$here/go.mod" | head -1)
  local go
  go=$( (sed -n 's/^go \([0-9]*\.[0-9]*\).*/\1/p' "$vendor/$module/go.mod" 2>/dev/null || true) | head -1)
  { echo "# $module $version"; echo "## explicit${go:+; go $go}"; printf '%s\n' "$@"; } >>"$vendor/modules.txt"
}

add github.com/Masterminds/sprig/v3 Masterminds+sprig v3.3.0 . github.com/Masterminds/sprig/v3
add github.com/Masterminds/semver/v3 Masterminds+semver v3.3.0 . github.com/Masterminds/semver/v3
add github.com/Masterminds/goutils Masterminds+goutils v1.1.1 . github.com/Masterminds/goutils
add github.com/mitchellh/copystructure mitchellh+copystructure v1.2.0 . github.com/mitchellh/copystructure
add github.com/mitchellh/reflectwalk mitchellh+reflectwalk v1.0.2 . github.com/mitchellh/reflectwalk
add github.com/shopspring/decimal shopspring+decimal v1.4.0 . github.com/shopspring/decimal
add github.com/spf13/cast spf13+cast v1.7.0 . github.com/spf13/cast github.com/spf13/cast/internal
add github.com/google/uuid google+uuid v1.6.0 . github.com/google/uuid
add dario.cat/mergo darccio+mergo v1.0.2 . dario.cat/mergo
add gopkg.in/yaml.v2 go-yaml+yaml v2.4.0 . gopkg.in/yaml.v2
add golang.org/x/crypto golang+crypto v0.26.0 "bcrypt blowfish pbkdf2 scrypt go.mod LICENSE" \
  golang.org/x/crypto/bcrypt golang.org/x/crypto/blowfish golang.org/x/crypto/pbkdf2 golang.org/x/crypto/scrypt
add golang.org/x/text golang+text v0.38.0 "cases internal language transform unicode/norm go.mod LICENSE" \
  golang.org/x/text/cases golang.org/x/text/internal golang.org/x/text/internal/language \
  golang.org/x/text/internal/language/compact golang.org/x/text/internal/tag golang.org/x/text/language \
  golang.org/x/text/transform golang.org/x/text/unicode/norm
add github.com/BurntSushi/toml BurntSushi+toml v1.5.0 . github.com/BurntSushi/toml github.com/BurntSushi/toml/internal
# xstrings v1.5.0 (ToPascalCase, which sprig's camelcase calls) when the clone has it; otherwise its newest tag and a
# stub, and the cases calling sprig_camelcase keep their recorded results (see unavailable in main.go).
if git --git-dir="$(ls -d "$clones/huandu+xstrings"/{repo/.git,repo,.git} 2>/dev/null | head -1)" rev-parse -q --verify v1.5.0 >/dev/null; then
  add github.com/huandu/xstrings huandu+xstrings v1.5.0 . github.com/huandu/xstrings
else
  add github.com/huandu/xstrings huandu+xstrings v1.4.0 . github.com/huandu/xstrings
  printf 'package xstrings\n\nfunc ToPascalCase(string) string { panic("xstrings v1.5.0 is not available to the oracle") }\n' \
    >"$vendor/github.com/huandu/xstrings/zz_missing_v150.go"
fi
