# Shared by scripts/start.sh and scripts/cluster.sh (sourced): the secrets and the staff
# password of a home, made on its first start and reused after.

# home_secrets HOME: exports the three secrets from HOME/secrets.env, making it (0600) for a new
# home; a home with data but no secrets.env keeps the caller's environment, never replaced.
home_secrets() {
  local home="$1" secrets="$1/secrets.env" v
  if [ -f "$secrets" ]; then
    set -a; . "$secrets"; set +a
  elif [ -e "$home/ca" ] || [ -e "$home/counter.db" ]; then
    # A home made by hand (README): its secrets are the caller's, never replaced here.
    for v in MYNACERT_CA_PASSPHRASE MYNACERT_ISSUER_KEY MYNACERT_CARD_SECRET; do
      if [ -z "${!v:-}" ]; then
        echo "$(basename "$0"): $home has data but no secrets.env; export $v (and the other two) or" \
             "choose another MYNACERT_HOME" >&2
        exit 2
      fi
    done
  else
    {
      echo "# mynacert secrets of this home, made by $(basename "$0"). The CA keys and the card files"
      echo "# are encrypted with them: losing this file loses the home."
      echo "MYNACERT_CA_PASSPHRASE=$(openssl rand -hex 24)"
      echo "MYNACERT_ISSUER_KEY=$(openssl rand -hex 24)"
      echo "MYNACERT_CARD_SECRET=$(openssl rand -hex 24)"
    } > "$secrets.tmp"
    chmod 600 "$secrets.tmp"
    mv "$secrets.tmp" "$secrets"
    set -a; . "$secrets"; set +a
  fi
}

# home_password HOME: the staff password (accounts clerk and supervisor) in
# HOME/staff-password.txt, made (0600) when missing; sets new_password to it when made, else "".
home_password() {
  pwfile="$1/staff-password.txt"
  new_password=""
  if [ ! -f "$pwfile" ]; then
    new_password="$(openssl rand -base64 24 | tr -dc 'A-Za-z0-9' | head -c 20)"
    printf '%s\n' "$new_password" > "$pwfile.tmp"
    chmod 600 "$pwfile.tmp"
    mv "$pwfile.tmp" "$pwfile"
  fi
}
