#!/usr/bin/env bash
# Real servers from Debian's packages, for the director's health checks (ldirectord's negotiate checks): one network
# namespace, jlvs-svc at 198.18.0.60 and 2001:db8::60 on the lab's bridge (default routes via the lab's router,
# 198.18.0.254 and 2001:db8::fe), every program listening on all its addresses:
#
#   http 80, https 443         nginx: /health and / answer "jlvs-ok" (self-signed certificate for check.jlvs.lab)
#   http_proxy 3128            tinyproxy: for clients in 198.18.0.0/15 and 2001:db8::/32, to 198.18.0.60 alone
#   dns 53 udp+tcp             dnsmasq: check.jlvs.lab A 198.18.0.60, AAAA 2001:db8::60; NXDOMAIN for other names
#                              in jlvs.lab, REFUSED for the rest (no upstream)
#   ftp 21                     vsftpd (standalone): the system user jlvs, its home holds check.txt ("jlvs-ok")
#   smtp 25, submission 587    aiosmtpd (smtpsink.py): each message kept as a file in $STATE/mail/new/
#   pop3 110, imap 143,        dovecot: user jlvs (its own passwd-file), an INBOX with one message
#   pop3s 995, imaps 993
#   ldap 389, ldaps 636        slapd: dc=jlvs,dc=lab, cn=jlvs,dc=jlvs,dc=lab with userPassword; anonymous read
#   mysql 3306                 mariadbd: user jlvs@'%', database jlvs, table health (1 row: 'jlvs-ok')
#   pgsql 5432                 postgres 15: role jlvs (scram-sha-256 from 198.18.0.0/15 and 2001:db8::/32),
#                              database jlvs, table health (1 row: 'jlvs-ok')
#   radius 1812/udp            freeradius: clients 198.18.0.0/15, 2001:db8::/32, 127.0.0.1 (secret jlvs-secret),
#                              user jlvs with Cleartext-Password
#   nntp 119                   INN's nnrpd (inn2), standalone: "200 ... ready"; one group, jlvs.test
#
# One set of credentials for all: user jlvs, password jlvs-check, database jlvs, RADIUS secret jlvs-secret.
# Everything lives in /run/jlvs-lab/svc (configurations, data, logs NAME.log, pid files NAME.pid); nothing in /etc
# changes, except that up adds the system user jlvs (home $STATE/home, shell nologin) when it is missing: vsftpd
# logs local users in through PAM (as the PAM service jlvs-ftp, which has no file: the "other" stack, pam_unix).
#
#   services.sh up | down | status | selftest
# Run it after lab.sh up (it plugs into the lab's switch $LAB_PREFIX-sw; lab.sh up makes a new switch, so run it
# again after that); without the lab it makes a switch of its own, which down removes. LAB_PREFIX (default jlvs) as for lab.sh. up installs the packages that are missing
# (host-setup.sh's JLVS_SERVICE_PACKAGES), starts on a clean state (down first), and waits for every port.
set -euo pipefail

LAB_PREFIX=${LAB_PREFIX:-jlvs}
SW=$LAB_PREFIX-sw
SVC=$LAB_PREFIX-svc
NET=198.18.0
IP4=$NET.60
IP6=2001:db8::60
GW_IP=$NET.254
GW_IP6=2001:db8::fe
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
STATE=/run/jlvs-lab/svc
RUN=$STATE
PYTHON=/usr/bin/python3
PG_BIN=/usr/lib/postgresql/15/bin
INN_BIN=/usr/lib/news/bin
USER_NAME=jlvs
PASSWORD=jlvs-check
DATABASE=jlvs
RADIUS_SECRET=jlvs-secret
WAIT_STEPS=200  # wait_up: 20 s

# shellcheck source=lab-lib.sh
. "$HERE/lab-lib.sh"
# shellcheck source=host-setup.sh
. "$HERE/host-setup.sh"

log() { echo "services: $*"; }

elapsed() { # seconds since up began, one decimal
  local now
  now=$(date +%s%N)
  printf '%d.%d' $(((now - T0) / 1000000000)) $(((now - T0) / 100000000 % 10))
}

fail_with_log() { # name: prints the program's log and stops
  echo "services: $1 failed; its log ($STATE/$1.log):" >&2
  tail -n 40 "$STATE/$1.log" >&2 || true
  exit 1
}

alive() { # pid: running (a zombie waiting for init to reap it is not)
  local stat
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  stat=${stat##*) }
  [ "${stat%% *}" != Z ]
}

wait_up() { # name, command...: retries the command for 20 s, and gives up at once if the program NAME has exited
  local pid
  pid=$(cat "$STATE/$1.pid")
  for _ in $(seq 1 "$WAIT_STEPS"); do
    if "${@:2}" >/dev/null 2>&1; then return 0; fi
    if ! alive "$pid"; then
      echo "services: $1 (pid $pid) has exited" >&2
      return 1
    fi
    sleep 0.1
  done
  echo "services: $1 did not come up (${*:2})" >&2
  return 1
}

tcp_open() { # port [address]: a TCP connection from inside the namespace
  ns "$SVC" timeout 2 bash -c "exec 3<>/dev/tcp/${2:-$IP4}/$1" 2>/dev/null
}

udp_listening() { # port
  ns "$SVC" ss -Hlun "sport = :$1" | grep -q .
}

USER_COMMENT="jlvs lab services"
ensure_user() { # the system user jlvs for vsftpd (PAM) and dovecot (file owner), made once and kept
  local entry
  if ! entry=$(getent passwd "$USER_NAME"); then
    useradd --system --user-group --home-dir "$STATE/home" --no-create-home --shell /usr/sbin/nologin \
      --comment "$USER_COMMENT" "$USER_NAME"
    echo "$USER_NAME:$PASSWORD" | chpasswd
  elif [ "$(cut -d: -f5 <<<"$entry")" != "$USER_COMMENT" ]; then
    echo "services: a user $USER_NAME exists that services.sh did not make; not touching it" >&2
    exit 1
  elif [ "$(cut -d: -f6 <<<"$entry")" != "$STATE/home" ]; then
    usermod --home "$STATE/home" "$USER_NAME"
  fi
}

net_up() {
  if ! ip netns list | grep -qx "$SW\( .*\)\?"; then
    make_switch
    touch "$STATE/own-switch"
  fi
  ip netns add "$SVC"
  link_to_switch "$SVC" svc0 sw-svc
  ns "$SVC" ip addr add "$IP4/24" dev svc0
  ns "$SVC" ip route add default via "$GW_IP"
  enable_ipv6 "$SVC" svc0
  ns "$SVC" ip addr add "$IP6/64" dev svc0 nodad
  ns "$SVC" ip -6 route add default via "$GW_IP6"
}

write_tls() {
  mkdir -p "$STATE/tls"
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 30 -subj "/CN=check.jlvs.lab" \
    -addext "subjectAltName=DNS:check.jlvs.lab,IP:$IP4,IP:$IP6" \
    -keyout "$STATE/tls/key.pem" -out "$STATE/tls/cert.pem" 2>/dev/null
  # a throwaway key of the lab, read by slapd as openldap
  chmod 644 "$STATE/tls/key.pem" "$STATE/tls/cert.pem"
}

write_files() {
  # the jlvs user's home: FTP's check.txt, dovecot's Maildir with one message
  mkdir -p "$STATE/home/Maildir/"{cur,new,tmp}
  echo "jlvs-ok" > "$STATE/home/check.txt"
  printf 'From: lab@jlvs.lab\r\nTo: jlvs@jlvs.lab\r\nSubject: jlvs-ok\r\nDate: %s\r\n\r\njlvs-ok\r\n' \
    "$(date -R)" > "$STATE/home/Maildir/new/1.jlvs.lab"
  chown -R "$USER_NAME:$USER_NAME" "$STATE/home"

  # nginx
  mkdir -p "$STATE/www" "$STATE/nginx"
  echo "jlvs-ok" > "$STATE/www/health"
  echo "jlvs-ok" > "$STATE/www/index.html"
  cat > "$STATE/nginx.conf" <<EOF
user www-data;
worker_processes 1;
daemon off;
pid $STATE/nginx/nginx.pid;
error_log stderr notice;
events { worker_connections 256; }
http {
  access_log off;
  default_type text/plain;
  client_body_temp_path $STATE/nginx/body;
  proxy_temp_path $STATE/nginx/proxy;
  fastcgi_temp_path $STATE/nginx/fastcgi;
  uwsgi_temp_path $STATE/nginx/uwsgi;
  scgi_temp_path $STATE/nginx/scgi;
  server {
    listen 80 default_server;
    listen [::]:80 default_server;
    listen 443 ssl default_server;
    listen [::]:443 ssl default_server;
    server_name check.jlvs.lab;
    ssl_certificate $STATE/tls/cert.pem;
    ssl_certificate_key $STATE/tls/key.pem;
    root $STATE/www;
    index index.html;
  }
}
EOF

  # tinyproxy: only to this namespace's HTTP server
  printf '^%s$\n^\\[?%s\\]?$\n^check\\.jlvs\\.lab$\n' "${IP4//./\\.}" "$IP6" > "$STATE/tinyproxy.filter"
  cat > "$STATE/tinyproxy.conf" <<EOF
User nobody
Group nogroup
Port 3128
Timeout 30
MaxClients 64
LogLevel Info
Allow 127.0.0.1
Allow ::1
Allow 198.18.0.0/15
Allow 2001:db8::/32
ConnectPort 443
DisableViaHeader Yes
Filter "$STATE/tinyproxy.filter"
FilterType ere
FilterDefaultDeny Yes
EOF

  # dnsmasq: no upstream
  cat > "$STATE/dnsmasq.conf" <<EOF
port=53
no-resolv
no-hosts
no-poll
user=dnsmasq
log-facility=-
pid-file=
local=/jlvs.lab/
host-record=check.jlvs.lab,$IP4,$IP6
EOF

  # vsftpd, standalone (listen_ipv6: one socket for IPv6 and IPv4)
  mkdir -p "$STATE/vsftpd-empty"
  chmod 755 "$STATE/vsftpd-empty"
  cat > "$STATE/vsftpd.conf" <<EOF
listen=NO
listen_ipv6=YES
background=NO
anonymous_enable=NO
local_enable=YES
write_enable=NO
# "/" is the user's home, as on the FTP servers ldirectord's check (cwd "/", then get "/file") is written for
chroot_local_user=YES
allow_writeable_chroot=YES
pam_service_name=jlvs-ftp
secure_chroot_dir=$STATE/vsftpd-empty
xferlog_enable=NO
ftpd_banner=jlvs FTP ready
EOF

  # SMTP's Maildir (smtpsink.py makes new/ cur/ tmp/ too)
  mkdir -p "$STATE/mail/"{cur,new,tmp}

  # dovecot
  mkdir -p "$STATE/dovecot"
  local uid gid
  uid=$(id -u "$USER_NAME")
  gid=$(id -g "$USER_NAME")
  echo "$USER_NAME:{PLAIN}$PASSWORD:$uid:$gid::$STATE/home::" > "$STATE/dovecot/users"
  chmod 640 "$STATE/dovecot/users"
  chgrp dovecot "$STATE/dovecot/users"
  cat > "$STATE/dovecot.conf" <<EOF
base_dir = $STATE/dovecot/run
state_dir = $STATE/dovecot/state
instance_name = jlvs-svc
protocols = imap pop3
listen = *, ::
log_path = /dev/stderr
ssl = yes
ssl_cert = <$STATE/tls/cert.pem
ssl_key = <$STATE/tls/key.pem
disable_plaintext_auth = no
auth_mechanisms = plain login
auth_failure_delay = 0
first_valid_uid = 1
mail_location = maildir:~/Maildir
pop3_uidl_format = %08Xu%08Xv
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u $STATE/dovecot/users
}
userdb {
  driver = passwd-file
  args = username_format=%u $STATE/dovecot/users
}
service imap-login {
  inet_listener imap {
    port = 143
  }
  inet_listener imaps {
    port = 993
    ssl = yes
  }
}
service pop3-login {
  inet_listener pop3 {
    port = 110
  }
  inet_listener pop3s {
    port = 995
    ssl = yes
  }
}
EOF

  # slapd (slapd.conf, the mdb database loaded with slapadd before it starts)
  mkdir -p "$STATE/ldap/db"
  cat > "$STATE/slapd.conf" <<EOF
include /etc/ldap/schema/core.schema
include /etc/ldap/schema/cosine.schema
include /etc/ldap/schema/inetorgperson.schema
pidfile $STATE/ldap/slapd.pid
argsfile $STATE/ldap/slapd.args
modulepath /usr/lib/ldap
moduleload back_mdb
TLSCertificateFile $STATE/tls/cert.pem
TLSCertificateKeyFile $STATE/tls/key.pem
database mdb
maxsize 16777216
suffix "dc=jlvs,dc=lab"
rootdn "cn=admin,dc=jlvs,dc=lab"
rootpw $PASSWORD
directory $STATE/ldap/db
access to attrs=userPassword by self read by anonymous auth by * none
access to * by * read
EOF
  cat > "$STATE/ldap/init.ldif" <<EOF
dn: dc=jlvs,dc=lab
objectClass: dcObject
objectClass: organization
dc: jlvs
o: jlvs lab

dn: cn=jlvs,dc=jlvs,dc=lab
objectClass: inetOrgPerson
cn: jlvs
sn: jlvs
uid: jlvs
description: jlvs-ok
userPassword: $PASSWORD
EOF

  # mariadb: the fixture comes with --init-file at every start
  cat > "$STATE/mysql-init.sql" <<EOF
CREATE DATABASE IF NOT EXISTS $DATABASE;
CREATE USER IF NOT EXISTS '$USER_NAME'@'%' IDENTIFIED BY '$PASSWORD';
GRANT ALL ON $DATABASE.* TO '$USER_NAME'@'%';
CREATE TABLE IF NOT EXISTS $DATABASE.health (id INT PRIMARY KEY, status VARCHAR(32));
INSERT IGNORE INTO $DATABASE.health VALUES (1, 'jlvs-ok');
EOF

  # freeradius: a configuration of its own (no EAP, no SQL): files + pap
  mkdir -p "$STATE/raddb/run"
  cat > "$STATE/raddb/radiusd.conf" <<EOF
prefix = /usr
exec_prefix = /usr
sysconfdir = /etc
localstatedir = /var
sbindir = /usr/sbin
logdir = $STATE/raddb
raddbdir = $STATE/raddb
radacctdir = $STATE/raddb
name = freeradius
confdir = \${raddbdir}
modconfdir = \${confdir}
run_dir = $STATE/raddb/run
db_dir = \${raddbdir}
libdir = /usr/lib/freeradius
pidfile = \${run_dir}/\${name}.pid
max_request_time = 30
cleanup_delay = 5
max_requests = 1024
hostname_lookups = no
log {
  destination = stdout
  auth = yes
}
security {
  user = freerad
  group = freerad
  allow_core_dumps = no
  max_attributes = 200
  reject_delay = 0
  status_server = yes
}
thread pool {
  start_servers = 2
  max_servers = 4
  min_spare_servers = 1
  max_spare_servers = 2
  max_requests_per_server = 0
}
client lab {
  ipaddr = 198.18.0.0/15
  secret = $RADIUS_SECRET
}
client lab6 {
  ipv6addr = 2001:db8::/32
  secret = $RADIUS_SECRET
}
client localhost {
  ipaddr = 127.0.0.1
  secret = $RADIUS_SECRET
}
modules {
  files {
    filename = \${confdir}/users
  }
  pap {
  }
}
server default {
  listen {
    type = auth
    ipaddr = *
    port = 1812
  }
  listen {
    type = auth
    ipv6addr = ::
    port = 1812
  }
  authorize {
    files
    pap
  }
  authenticate {
    Auth-Type PAP {
      pap
    }
  }
}
EOF
  printf '%s Cleartext-Password := "%s"\n' "$USER_NAME" "$PASSWORD" > "$STATE/raddb/users"
  chown -R root:freerad "$STATE/raddb"
  chmod -R g+rX,o-rwx "$STATE/raddb"
  chown freerad:freerad "$STATE/raddb/run"

  # INN: a private inn.conf (INNCONF) and everything it names under $STATE/news, for nnrpd as a daemon
  local n=$STATE/news
  mkdir -p "$n"/{etc,db,spool/articles,spool/overview,spool/incoming/tmp,spool/outgoing,spool/archive,log,run,tmp}
  cat > "$n/inn.conf" <<EOF
domain: jlvs.lab
pathhost: check.jlvs.lab
organization: "jlvs lab"
mta: "/bin/false %s"
ovmethod: tradindexed
hismethod: hisv6
enableoverview: true
readerswhenstopped: true
port: 119
pathnews: /usr/lib/news
pathbin: /usr/lib/news/bin
pathcontrol: /usr/lib/news/bin/control
pathfilter: /etc/news/filter
pathetc: $n/etc
pathdb: $n/db
pathlog: $n/log
pathrun: $n/run
pathtmp: $n/tmp
pathspool: $n/spool
patharticles: $n/spool/articles
pathoverview: $n/spool/overview
pathincoming: $n/spool/incoming
pathoutgoing: $n/spool/outgoing
patharchive: $n/spool/archive
pathhttp: $n/tmp
EOF
  cat > "$n/etc/readers.conf" <<EOF
auth "lab" {
    hosts: "*"
    default: "<lab>"
}
access "lab" {
    users: "<lab>"
    newsgroups: "*"
    access: RP
}
EOF
  printf 'method timehash {\n    newsgroups: *\n    class: 0\n}\n' > "$n/etc/storage.conf"
  printf 'jlvs.test 0000000000 0000000001 y\n' > "$n/db/active"
  printf 'jlvs.test\tjlvs lab checks\n' > "$n/db/newsgroups"
  : > "$n/db/active.times"
  chown -R news:news "$n"
  # the overview (tradindexed) must know the groups: tdx-util -F makes group.index and adds them
  INNCONF="$n/inn.conf" setpriv --reuid=news --regid=news --init-groups "$INN_BIN/tdx-util" -F \
    >"$STATE/tdx-util.log" 2>&1 || fail_with_log tdx-util
}

init_databases() { # the slow part, in the background while the rest starts: slapadd, mariadb-install-db, initdb
  chown -R openldap:openldap "$STATE/ldap"
  setpriv --reuid=openldap --regid=openldap --init-groups \
    slapadd -q -f "$STATE/slapd.conf" -l "$STATE/ldap/init.ldif" >"$STATE/slapadd.log" 2>&1 &
  LDAP_INIT=$!
  mkdir -p "$STATE/mysql"
  chown mysql:mysql "$STATE/mysql"
  mariadb-install-db --no-defaults --user=mysql --datadir="$STATE/mysql" --auth-root-authentication-method=socket \
    --skip-test-db --skip-name-resolve >"$STATE/mariadb-install-db.log" 2>&1 &
  MYSQL_INIT=$!
  mkdir -p "$STATE/pgdata" "$STATE/pg"
  chown postgres:postgres "$STATE/pgdata" "$STATE/pg"
  chmod 700 "$STATE/pgdata"
  setpriv --reuid=postgres --regid=postgres --init-groups \
    "$PG_BIN/initdb" -D "$STATE/pgdata" -U postgres -E UTF8 --locale=C --auth-local=trust \
    --auth-host=scram-sha-256 --no-sync --no-instructions >"$STATE/initdb.log" 2>&1 &
  PG_INIT=$!
}

start_slapd() {
  wait "$LDAP_INIT" || fail_with_log slapadd
  start "$SVC" slapd slapd -d 0 -u openldap -g openldap -f "$STATE/slapd.conf" -h "ldap:/// ldaps:///"
}

start_mariadb() {
  wait "$MYSQL_INIT" || fail_with_log mariadb-install-db
  start "$SVC" mariadb mariadbd --no-defaults --user=mysql --datadir="$STATE/mysql" --socket="$STATE/mysql/mysqld.sock" \
    --pid-file="$STATE/mysql/mariadbd.pid" --port=3306 --bind-address='*' --skip-name-resolve --skip-log-bin \
    --init-file="$STATE/mysql-init.sql" --innodb-buffer-pool-size=16M --max-connections=64
}

start_postgres() {
  wait "$PG_INIT" || fail_with_log initdb
  cat >> "$STATE/pgdata/postgresql.conf" <<EOF
listen_addresses = '*'
port = 5432
unix_socket_directories = '$STATE/pg'
fsync = off
synchronous_commit = off
full_page_writes = off
shared_buffers = 16MB
max_connections = 32
dynamic_shared_memory_type = mmap
logging_collector = off
log_connections = on
password_encryption = scram-sha-256
EOF
  cat > "$STATE/pgdata/pg_hba.conf" <<EOF
local all all trust
host all all 198.18.0.0/15 scram-sha-256
host all all 2001:db8::/32 scram-sha-256
host all all 127.0.0.1/32 scram-sha-256
host all all ::1/128 scram-sha-256
EOF
  start "$SVC" postgres setpriv --reuid=postgres --regid=postgres --init-groups "$PG_BIN/postgres" -D "$STATE/pgdata"
}

postgres_fixture() {
  wait_up postgres ns "$SVC" "$PG_BIN/pg_isready" -q -h "$STATE/pg" || fail_with_log postgres
  local psql=("$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$STATE/pg" -U postgres)
  {
    ns "$SVC" "${psql[@]}" -d postgres \
      -c "CREATE ROLE $USER_NAME LOGIN PASSWORD '$PASSWORD'" -c "CREATE DATABASE $DATABASE OWNER $USER_NAME" &&
      ns "$SVC" "${psql[@]}" -d "$DATABASE" -c "SET ROLE $USER_NAME" \
        -c "CREATE TABLE health (id int PRIMARY KEY, status text)" -c "INSERT INTO health VALUES (1, 'jlvs-ok')"
  } >>"$STATE/postgres-fixture.log" 2>&1 || fail_with_log postgres-fixture
}

up() {
  T0=$(date +%s%N)
  jlvs_need_root
  down >/dev/null 2>&1 || true
  jlvs_install_service_packages
  ensure_user
  mkdir -p "$STATE"
  chmod 755 "$STATE"
  net_up
  write_tls
  write_files
  log "$(elapsed) s: namespace $SVC ($IP4, $IP6) and configurations ready"
  init_databases

  start "$SVC" nginx nginx -e stderr -p "$STATE/nginx" -c "$STATE/nginx.conf"
  start "$SVC" tinyproxy tinyproxy -d -c "$STATE/tinyproxy.conf"
  start "$SVC" dnsmasq dnsmasq -k -C "$STATE/dnsmasq.conf"
  start "$SVC" vsftpd vsftpd "$STATE/vsftpd.conf"
  start "$SVC" smtp "$PYTHON" "$HERE/smtpsink.py" "$STATE/mail" 25 587
  start "$SVC" dovecot dovecot -F -c "$STATE/dovecot.conf"
  start "$SVC" freeradius freeradius -f -l stdout -d "$STATE/raddb"
  start "$SVC" nnrpd env INNCONF="$STATE/news/inn.conf" "$INN_BIN/nnrpd" -D -f -n -o -p 119
  log "$(elapsed) s: nginx, tinyproxy, dnsmasq, vsftpd, aiosmtpd, dovecot, freeradius, nnrpd started"
  start_slapd
  log "$(elapsed) s: slapd started"
  start_postgres
  log "$(elapsed) s: postgres started"
  start_mariadb
  log "$(elapsed) s: mariadbd started"
  postgres_fixture

  local name port
  for spec in nginx:80 nginx:443 tinyproxy:3128 dnsmasq:53 vsftpd:21 smtp:25 smtp:587 dovecot:110 dovecot:143 \
    dovecot:993 dovecot:995 slapd:389 slapd:636 mariadb:3306 postgres:5432 nnrpd:119; do
    name=${spec%:*}
    port=${spec#*:}
    wait_up "$name" tcp_open "$port" || fail_with_log "$name"
    wait_up "$name" tcp_open "$port" "$IP6" || fail_with_log "$name"
  done
  wait_up dnsmasq ns "$SVC" dig +short +time=1 +tries=1 "@$IP4" check.jlvs.lab || fail_with_log dnsmasq
  wait_up freeradius udp_listening 1812 || fail_with_log freeradius
  # mariadbd listens before its --init-file has run
  wait_up mariadb ns "$SVC" mariadb --no-defaults -h "$IP4" -u "$USER_NAME" "-p$PASSWORD" "$DATABASE" \
    -e "SELECT 1 FROM health" || fail_with_log mariadb
  log "$(elapsed) s: up ($SVC: $IP4 $IP6; user $USER_NAME, password $PASSWORD, database $DATABASE," \
    "RADIUS secret $RADIUS_SECRET; state in $STATE)"
}

down() {
  # each program stops as asked (postgres, mariadb shut down cleanly), then anything left in the namespace goes
  local pids=() f p
  for f in "$STATE"/*.pid; do
    [ -e "$f" ] || continue
    p=$(cat "$f")
    if kill "$p" 2>/dev/null; then pids+=("$p"); fi
  done
  for _ in $(seq 1 50); do
    local left=0
    for p in "${pids[@]}"; do if alive "$p"; then left=1; fi; done
    [ "$left" = 0 ] && break
    sleep 0.1
  done
  if ip netns list | grep -qx "$SVC\( .*\)\?"; then
    for p in $(ip netns pids "$SVC" 2>/dev/null); do kill "$p" 2>/dev/null || true; done
    sleep 0.1
    for p in $(ip netns pids "$SVC" 2>/dev/null); do kill -9 "$p" 2>/dev/null || true; done
    ip netns del "$SVC" 2>/dev/null || true
  fi
  # the switch up made (no lab was up then), unless the lab has plugged into it since
  if [ -e "$STATE/own-switch" ] && ! ns "$SW" ip -o link show master br0 2>/dev/null | grep -q .; then
    ip netns del "$SW" 2>/dev/null || true
  fi
  rm -rf "$STATE"
  echo "services: down"
}

status() {
  if ! ip netns list | grep -qx "$SVC\( .*\)\?"; then
    echo "services: not up"
    return 0
  fi
  local f
  for f in "$STATE"/*.pid; do
    [ -e "$f" ] || continue
    if alive "$(cat "$f")"; then
      echo "$(basename "$f" .pid): running (pid $(cat "$f"))"
    else
      echo "$(basename "$f" .pid): NOT running"
    fi
  done
  echo "listening:"
  ns "$SVC" ss -Hltnu | awk '{n = split($5, a, ":"); print a[n], $1, $5}' | sort -k1,1n -k2,2 -k3,3 -u |
    awk '{printf "  %s/%s %s\n", $1, $2, $3}'
}

# selftest: every service from inside the namespace with its client, with the right credentials (must pass) and a
# wrong password (must be refused as a wrong password, not fail some other way)
PASSED=0
FAILED=0
check() { # description, command...: passes when the command succeeds
  if "${@:2}" >/dev/null 2>&1; then
    PASSED=$((PASSED + 1))
    echo "ok    $1"
  else
    FAILED=$((FAILED + 1))
    echo "FAIL  $1"
  fi
}
in_ns() { ns "$SVC" "$@"; }
out_has() { # text, command...: the command's output contains the text
  local out
  out=$("${@:2}" 2>&1) && grep -qF -- "$1" <<<"$out"
}
curl_ns() { in_ns curl -sS --max-time 5 "$@"; }
http_code() { # code, curl arguments...
  [ "$(curl_ns -o /dev/null -w '%{http_code}' "${@:2}")" = "$1" ]
}
dns_answer() { # expected, dig arguments...
  [ "$(in_ns dig +short +time=2 +tries=1 "@$IP4" "${@:2}")" = "$1" ]
}
dns_status() { # status, dig arguments...
  in_ns dig +time=2 +tries=1 "@$IP4" "${@:2}" | grep -q "status: $1"
}
smtp_delivers() { # port, address: sends a message, finds it as a file in $STATE/mail/new and removes it
  local token
  token="jlvs-selftest-$1-$RANDOM$RANDOM"
  printf 'From: director@jlvs.lab\r\nTo: jlvs@jlvs.lab\r\nSubject: %s\r\n\r\n%s\r\n' "$token" "$token" |
    curl_ns "smtp://$2:$1" --mail-from director@jlvs.lab --mail-rcpt jlvs@jlvs.lab -T - || return 1
  local file
  file=$(grep -lF "$token" "$STATE"/mail/new/*) || return 1
  rm -f "$file"  # mail/new keeps what others sent (the director's alerts)
}
curl_denied() { # curl arguments...: curl's "login denied" (exit 67), not any other failure
  local rc=0
  curl_ns "$@" >/dev/null 2>&1 || rc=$?
  [ "$rc" = 67 ]
}
ldap_denied() { # uri, password: ldapwhoami's "invalid credentials" (exit 49)
  local rc=0
  in_ns env LDAPTLS_CACERT="$STATE/tls/cert.pem" ldapwhoami -x -H "$1" -D "cn=$USER_NAME,dc=jlvs,dc=lab" -w "$2" \
    >/dev/null 2>&1 || rc=$?
  [ "$rc" = 49 ]
}
ldap_bind() { # uri, password
  in_ns env LDAPTLS_CACERT="$STATE/tls/cert.pem" ldapwhoami -x -H "$1" -D "cn=$USER_NAME,dc=jlvs,dc=lab" -w "$2" |
    grep -q "dn:cn=$USER_NAME,dc=jlvs,dc=lab"
}
ldap_anonymous_read() { # uri
  in_ns env LDAPTLS_CACERT="$STATE/tls/cert.pem" ldapsearch -x -LLL -H "$1" -b dc=jlvs,dc=lab "(cn=$USER_NAME)" \
    description | grep -q "description: jlvs-ok"
}
mysql_query() { # host, password
  [ "$(in_ns mariadb --no-defaults -h "$1" -u "$USER_NAME" "-p$2" -N -B "$DATABASE" \
    -e "SELECT status FROM health WHERE id = 1")" = "jlvs-ok" ]
}
mysql_denied() { # host, password: ERROR 1045 (access denied)
  local out
  out=$(in_ns mariadb --no-defaults -h "$1" -u "$USER_NAME" "-p$2" "$DATABASE" -e "SELECT 1" 2>&1) || true
  grep -q "ERROR 1045" <<<"$out"
}
pgsql_denied() { # host, password
  local out
  out=$(in_ns env PGPASSWORD="$2" PGCONNECT_TIMEOUT=5 "$PG_BIN/psql" -X -h "$1" -U "$USER_NAME" -d "$DATABASE" \
    -c "SELECT 1" 2>&1) || true
  grep -q "password authentication failed" <<<"$out"
}
pgsql_query() { # host, password
  [ "$(in_ns env PGPASSWORD="$2" PGCONNECT_TIMEOUT=5 "$PG_BIN/psql" -X -h "$1" -U "$USER_NAME" -d "$DATABASE" -tA \
    -c "SELECT status FROM health WHERE id = 1")" = "jlvs-ok" ]
}
radius_answer() { # Access-Accept or Access-Reject, server, password
  local out
  out=$(in_ns radtest -t pap "$USER_NAME" "$3" "$2" 0 "$RADIUS_SECRET" 2>&1) || true
  grep -q "Received $1 " <<<"$out"
}
nntp_talk() { # address: banner 200, QUIT answered 205
  # shellcheck disable=SC2016  # expanded by the inner bash
  in_ns timeout 5 bash -c '
    exec 3<>"/dev/tcp/$1/119"
    IFS= read -r banner <&3
    case $banner in 200*) ;; *) exit 1 ;; esac
    printf "QUIT\r\n" >&3
    IFS= read -r bye <&3
    case $bye in 205*) ;; *) exit 1 ;; esac' _ "$1"
}

selftest() {
  if ! ip netns list | grep -qx "$SVC\( .*\)\?"; then
    echo "services: not up (services.sh up)" >&2
    exit 1
  fi
  local h6="[$IP6]"
  check "http: GET /health has jlvs-ok" out_has jlvs-ok curl_ns "http://$IP4/health"
  check "http: GET / has jlvs-ok (IPv6)" out_has jlvs-ok curl_ns "http://$h6/"
  check "http: GET /nothing is 404" http_code 404 "http://$IP4/nothing"
  check "https: GET /health, certificate of check.jlvs.lab verified" out_has jlvs-ok \
    curl_ns --cacert "$STATE/tls/cert.pem" --resolve "check.jlvs.lab:443:$IP4" https://check.jlvs.lab/health
  check "https: GET /health (IPv6)" out_has jlvs-ok curl_ns --cacert "$STATE/tls/cert.pem" "https://$h6/health"
  check "http_proxy: GET http://$IP4/health through it" out_has jlvs-ok curl_ns -x "http://$IP4:3128" \
    "http://$IP4/health"
  check "http_proxy: GET through it over IPv6" out_has jlvs-ok curl_ns -x "http://$h6:3128" "http://$IP4/health"
  check "http_proxy: another destination is 403" http_code 403 -x "http://$IP4:3128" "http://$NET.11/"
  check "dns: check.jlvs.lab A (udp)" dns_answer "$IP4" check.jlvs.lab A
  check "dns: check.jlvs.lab A (tcp)" dns_answer "$IP4" +tcp check.jlvs.lab A
  check "dns: check.jlvs.lab AAAA" dns_answer "$IP6" check.jlvs.lab AAAA
  check "dns: over IPv6" dns_answer "$IP4" "@$IP6" check.jlvs.lab A
  check "dns: nothing.jlvs.lab is NXDOMAIN" dns_status NXDOMAIN nothing.jlvs.lab A
  check "dns: example.com is REFUSED (no upstream)" dns_status REFUSED example.com A
  check "ftp: RETR check.txt has jlvs-ok" out_has jlvs-ok curl_ns "ftp://$USER_NAME:$PASSWORD@$IP4/check.txt"
  check "ftp: RETR check.txt in PASV mode (as Net::FTP)" out_has jlvs-ok curl_ns --disable-epsv \
    "ftp://$USER_NAME:$PASSWORD@$IP4/check.txt"
  check "ftp: RETR check.txt (IPv6, EPSV)" out_has jlvs-ok curl_ns "ftp://$USER_NAME:$PASSWORD@$h6/check.txt"
  check "ftp: wrong password: login denied" curl_denied "ftp://$USER_NAME:wrong@$IP4/check.txt"
  check "smtp: 25 takes a message, kept as a file in $STATE/mail/new" smtp_delivers 25 "$IP4"
  check "smtp: submission 587 takes a message (IPv6)" smtp_delivers 587 "$h6"
  check "pop3: LIST" out_has "1 " curl_ns -u "$USER_NAME:$PASSWORD" "pop3://$IP4/"
  check "pop3: wrong password: login denied" curl_denied -u "$USER_NAME:wrong" "pop3://$IP4/"
  check "pop3s: LIST" out_has "1 " curl_ns --cacert "$STATE/tls/cert.pem" -u "$USER_NAME:$PASSWORD" "pop3s://$IP4/"
  check "pop3s: wrong password: login denied" curl_denied -k -u "$USER_NAME:wrong" "pop3s://$IP4/"
  check "imap: LIST" out_has INBOX curl_ns -u "$USER_NAME:$PASSWORD" "imap://$IP4/"
  check "imap: LIST (IPv6)" out_has INBOX curl_ns -u "$USER_NAME:$PASSWORD" "imap://$h6/"
  check "imap: wrong password: login denied" curl_denied -u "$USER_NAME:wrong" "imap://$IP4/"
  check "imaps: LIST" out_has INBOX curl_ns --cacert "$STATE/tls/cert.pem" -u "$USER_NAME:$PASSWORD" "imaps://$IP4/"
  check "imaps: wrong password: login denied" curl_denied -k -u "$USER_NAME:wrong" "imaps://$IP4/"
  check "ldap: anonymous search finds cn=jlvs" ldap_anonymous_read "ldap://$IP4"
  check "ldap: bind as cn=jlvs,dc=jlvs,dc=lab" ldap_bind "ldap://$IP4" "$PASSWORD"
  check "ldap: bind over IPv6" ldap_bind "ldap://$h6" "$PASSWORD"
  check "ldap: wrong password: invalid credentials" ldap_denied "ldap://$IP4" wrong
  check "ldaps: anonymous search, certificate verified" ldap_anonymous_read "ldaps://$IP4"
  check "ldaps: bind" ldap_bind "ldaps://$IP4" "$PASSWORD"
  check "ldaps: wrong password: invalid credentials" ldap_denied "ldaps://$IP4" wrong
  check "mysql: SELECT from jlvs.health" mysql_query "$IP4" "$PASSWORD"
  check "mysql: SELECT over IPv6" mysql_query "$IP6" "$PASSWORD"
  check "mysql: wrong password: access denied" mysql_denied "$IP4" wrong
  check "pgsql: SELECT from jlvs health" pgsql_query "$IP4" "$PASSWORD"
  check "pgsql: SELECT over IPv6" pgsql_query "$IP6" "$PASSWORD"
  check "pgsql: wrong password: authentication failed" pgsql_denied "$IP4" wrong
  check "radius: Access-Accept" radius_answer Access-Accept "$IP4" "$PASSWORD"
  check "radius: Access-Accept (IPv6)" radius_answer Access-Accept "$h6" "$PASSWORD"
  check "radius: wrong password gets Access-Reject" radius_answer Access-Reject "$IP4" wrong
  check "nntp: banner 200, QUIT 205" nntp_talk "$IP4"
  check "nntp: over IPv6" nntp_talk "$IP6"
  echo "services selftest: $PASSED passed, $FAILED failed"
  [ "$FAILED" = 0 ]
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  status) status ;;
  selftest) selftest ;;
  *) echo "usage: $0 up|down|status|selftest" >&2; exit 2 ;;
esac
