#!/usr/bin/env bash
# Certificates for a Blackstart cluster, made with the JDK's keytool (nothing but Java needed).
#
#   deploy/local/pki.sh ca DIR                          the cluster CA: DIR/ca.p12 (CA key, keep it off the nodes),
#                                                       DIR/ca.crt and DIR/truststore.p12 (only the CA: every node)
#   deploy/local/pki.sh node DIR NAME ROLE [IP|DNS ...] a node key store DIR/NAME.p12 signed by the CA in DIR
#
# NAME is the node's identity: the coordinator's name or the agent's node id (blackstart.agent.node-id).
# ROLE is coordinator or agent. The certificate's subject is CN=NAME, OU=ROLE, O=blackstart; Blackstart reads the
# role from OU (a role a node declares in its config is never trusted). Subject alternative names: IP 127.0.0.1,
# DNS NAME and every extra IP or DNS name given (Artery's hostname verification needs the address in
# canonical.hostname). Keys are RSA 2048, EKU serverAuth+clientAuth (every node is TLS server and client),
# valid for $BLACKSTART_PKI_DAYS days (default 825).
# Every store is protected by $BLACKSTART_PKI_PASSWORD, which must be set (there is no default password).
set -euo pipefail

usage() { sed -n '2,14p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2; exit 2; }
die() { echo "pki.sh: $*" >&2; exit 1; }

[ $# -ge 2 ] || usage
pw=${BLACKSTART_PKI_PASSWORD:-}
[ -n "$pw" ] || die "BLACKSTART_PKI_PASSWORD is not set (the password of every key store this makes)"
kt=keytool
[ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/keytool" ] && kt="$JAVA_HOME/bin/keytool"
command -v "$kt" >/dev/null || die "keytool not found (install a JDK)"
days=${BLACKSTART_PKI_DAYS:-825}

run_kt() { # keytool with its chatter kept unless it fails
  local out
  out=$("$kt" "$@" 2>&1) || die "keytool $1 failed: $out"
}

cmd=$1 dir=$2
shift 2
mkdir -p "$dir"
case "$cmd" in
  ca)
    [ $# -eq 0 ] || usage
    [ -e "$dir/ca.p12" ] && die "$dir/ca.p12 exists already"
    run_kt -genkeypair -alias ca -keyalg RSA -keysize 2048 -dname "CN=blackstart-cluster-ca,O=blackstart" \
      -ext bc:c -ext KU=keyCertSign,cRLSign -validity "$days" \
      -keystore "$dir/ca.p12" -storetype PKCS12 -storepass "$pw"
    run_kt -exportcert -rfc -alias ca -keystore "$dir/ca.p12" -storepass "$pw" -file "$dir/ca.crt"
    run_kt -importcert -noprompt -alias blackstart-ca -file "$dir/ca.crt" \
      -keystore "$dir/truststore.p12" -storetype PKCS12 -storepass "$pw"
    chmod 600 "$dir/ca.p12" "$dir/truststore.p12"
    ;;
  node)
    [ $# -ge 2 ] || usage
    name=$1 role=$2
    shift 2
    [[ "$name" =~ ^[A-Za-z0-9][A-Za-z0-9.-]{0,62}$ ]] || die "node name '$name': 1-63 letters, digits, '.' or '-'"
    case "$role" in coordinator|agent) ;; *) die "role '$role': coordinator or agent" ;; esac
    [ -e "$dir/ca.p12" ] || die "no CA in $dir (run: $0 ca $dir)"
    san="ip:127.0.0.1,dns:$name"
    for extra in "$@"; do
      if [[ "$extra" =~ ^[0-9.]+$ || "$extra" == *:* ]]; then san+=",ip:$extra"; else san+=",dns:$extra"; fi
    done
    store="$dir/$name.p12"
    rm -f "$store" "$dir/$name.csr" "$dir/$name.crt"
    run_kt -genkeypair -alias node -keyalg RSA -keysize 2048 -dname "CN=$name,OU=$role,O=blackstart" \
      -validity "$days" -keystore "$store" -storetype PKCS12 -storepass "$pw"
    run_kt -certreq -alias node -keystore "$store" -storepass "$pw" -file "$dir/$name.csr"
    run_kt -gencert -rfc -alias ca -keystore "$dir/ca.p12" -storepass "$pw" -infile "$dir/$name.csr" \
      -outfile "$dir/$name.crt" -validity "$days" -ext "SAN=$san" -ext EKU=serverAuth,clientAuth \
      -ext KU=digitalSignature,keyEncipherment
    run_kt -importcert -noprompt -alias blackstart-ca -file "$dir/ca.crt" -keystore "$store" -storepass "$pw"
    run_kt -importcert -noprompt -alias node -file "$dir/$name.crt" -keystore "$store" -storepass "$pw"
    rm -f "$dir/$name.csr"
    chmod 600 "$store"
    ;;
  *) usage ;;
esac
