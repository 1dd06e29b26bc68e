# shellcheck shell=bash
# Sourced by scripts/kernel-debs.sh, not run: the user's own changes.
#  --fragment FILE (repeatable): Kconfig settings merged into the flavour's
#    config, later files and lines winning; they may not undo a tickless
#    setting, and each must be in the effective config afterwards.
#  --signing-key PEM: modules signed with the user's key (RSA private key and
#    its X.509 certificate in one file, as certs/signing_key.pem is) instead
#    of a throw-away one generated per build tree.
# Expects msg, die.

# fragment_check FILE: every line a setting, a comment or blank.
fragment_check() {
  local f=$1 n=0 line
  if [ ! -f "$f" ] || [ ! -r "$f" ]; then die "--fragment $f: no such readable file"; fi
  while IFS= read -r line || [ -n "$line" ]; do
    n=$((n + 1))
    [[ $line =~ ^[[:space:]]*$ ]] && continue
    [[ $line =~ ^CONFIG_[A-Za-z0-9_]+=[^[:space:]].*$ ]] && continue
    [[ $line =~ ^#\ CONFIG_[A-Za-z0-9_]+\ is\ not\ set$ ]] && continue
    [[ $line =~ ^# ]] && continue
    die "--fragment $f:$n: not a Kconfig setting: $line"
  done <"$f"
}

# fragment_settings FILE...: the settings of the fragments, one a symbol
# (the last one given wins), as CONFIG_X=VALUE with "n" for "is not set".
fragment_settings() {
  local f line
  for f in "$@"; do
    while IFS= read -r line || [ -n "$line" ]; do
      case $line in
        CONFIG_*=*) printf '%s\n' "$line" ;;
        '# CONFIG_'*' is not set') line=${line#\# }; printf '%s=n\n' "${line%% *}" ;;
      esac
    done <"$f"
  done | awk -F= '{ v[$1] = $0; if (!($1 in seen)) { seen[$1] = 1; order[++n] = $1 } }
    END { for (i = 1; i <= n; i++) print v[order[i]] }'
}

# fragment_as_config SETTINGS: CONFIG_X=VALUE lines in .config form.
fragment_as_config() {
  [ -z "$1" ] || printf '%s\n' "$1" | sed 's/^\(CONFIG_[A-Za-z0-9_]*\)=n$/# \1 is not set/'
}

# fragment_vs_tickless SETTINGS POLICIES: one error line if a fragment sets
# a tickless symbol to another value (POLICIES: CONFIG_X=VALUE, "-" absent).
fragment_vs_tickless() {
  local line name want got
  while IFS= read -r line; do
    [ -n "$line" ] || continue
    name=${line%%=*} want=${line#*=}
    got=$(grep "^$name=" <<<"$1" | tail -n 1) || continue
    got=${got#*=}
    if [ "$want" = - ] && [ "$got" = n ]; then continue; fi
    [ "$got" = "$want" ] || die "--fragment sets $name=$got, which undoes the tickless setting $name=$want"
  done <<<"$2"
}

# fragment_missing SETTINGS CONFIG: the fragment's settings an effective
# .config does not have (Kconfig drops what it cannot set without a word).
fragment_missing() {
  local line name value
  while IFS= read -r line; do
    [ -n "$line" ] || continue
    name=${line%%=*} value=${line#*=}
    if [ "$value" = n ]; then
      grep -q "^$name=" "$2" && printf '%s\n' "$line"
    else
      grep -qxF -- "$line" "$2" || printf '%s\n' "$line"
    fi
  done <<<"$1"
  return 0
}

# signing_key_check PEM: an RSA private key and its certificate in one file.
signing_key_check() {
  local pem=$1 cert key
  if [ ! -f "$pem" ] || [ ! -r "$pem" ]; then die "--signing-key $pem: no such readable file"; fi
  have openssl || die "--signing-key needs openssl (apt-get install openssl)"
  grep -q -- '-----BEGIN CERTIFICATE-----' "$pem" ||
    die "--signing-key $pem: no certificate in it (the kernel wants the private key and its X.509 certificate in one PEM file)"
  grep -Eq -- '-----BEGIN (RSA |ENCRYPTED )?PRIVATE KEY-----' "$pem" ||
    die "--signing-key $pem: no private key in it (the kernel wants the private key and its X.509 certificate in one PEM file)"
  ! grep -q -- '-----BEGIN ENCRYPTED PRIVATE KEY-----' "$pem" ||
    die "--signing-key $pem: the private key is encrypted; the build cannot ask for its passphrase"
  openssl x509 -in "$pem" -noout -text 2>/dev/null | grep -q rsaEncryption ||
    die "--signing-key $pem: not an RSA certificate (Linux 5.4 signs modules with RSA keys only)"
  cert=$(openssl x509 -in "$pem" -noout -pubkey 2>/dev/null | sha_of_stdin)
  key=$(openssl pkey -in "$pem" -pubout 2>/dev/null | sha_of_stdin)
  [ "$cert" = "$key" ] || die "--signing-key $pem: the private key is not the certificate's"
}

# signing_key_fingerprint PEM: what the state remembers of it (a hash, or
# "none"), never the key itself.
signing_key_fingerprint() {
  if [ -n "$1" ]; then sha_of_stdin <"$1"; else echo none; fi
}

# signing_key_place PEM CERTS EPOCH NAME: the key as CERTS/NAME (mode 600),
# with a fixed time, so that placing the same key again rebuilds nothing.
# NAME signing_key.pem (the Ubuntu 5.4 path: its certs/Makefile generates
# that file from x509.genkey by a plain make rule) also gets an x509.genkey
# older than the key, so that the Makefile neither generates a key nor
# replaces this one. Newer kernels (6.1) regenerate signing_key.pem
# whenever no command of their own made it (if_changed), so there the key
# gets a name of its own that CONFIG_MODULE_SIG_KEY points to
# (signing_key_config).
signing_key_place() {
  local pem=$1 certs=$2 epoch=$3 name=$4
  mkdir -p "$certs"
  if [ "$name" = signing_key.pem ]; then
    printf '# crossboot: the signing key is the user'"'"'s (--signing-key); not generated\n' >"$certs/x509.genkey"
    touch -d "@$((epoch - 1))" "$certs/x509.genkey"
  fi
  (umask 077 && cp "$pem" "$certs/$name.tmp")
  chmod 600 "$certs/$name.tmp"
  touch -d "@$epoch" "$certs/$name.tmp"
  mv "$certs/$name.tmp" "$certs/$name"
}

# USER_KEY_NAME: the user's key's name in certs/ where the config points to
# it (signing_key_config).
USER_KEY_NAME=crossboot_signing_key.pem

# signing_key_config: the Kconfig line that signs with the user's key under
# USER_KEY_NAME (a path relative to the build directory, as the default).
signing_key_config() { printf 'CONFIG_MODULE_SIG_KEY="certs/%s"\n' "$USER_KEY_NAME"; }

# signing_key_forget CERTS: the key and what was derived from it, so that the
# next build generates (or is given) a new one and re-embeds its certificate.
signing_key_forget() {
  rm -f "$1/signing_key.pem" "$1/$USER_KEY_NAME" "$1/signing_key.x509" "$1/x509.genkey" "$1/x509_certificate_list"
}
