"""The local stack: Kafka (KRaft), PostgreSQL, Redis and nginx on loopback, without Docker.

One script for the README commands, the tests and CI. Every process it starts
is recorded by pid in the stack's state folder, and `stop` stops exactly
those pids (never by name). Running `start` twice is harmless: what is up
stays up.

Two profiles keep a developer's running platform and a test run apart:
`dev` (the platform, gateway on :8080) and `test` (everything +100). The
ports, the state folder and the service settings of a profile all come from
`Profile` below, and `stack.py env` prints them for the service processes.

Usage:
    python devstack/stack.py [--profile dev|test] start [--brokers 1|3]
    python devstack/stack.py [--profile dev|test] stop
    python devstack/stack.py [--profile dev|test] status
    python devstack/stack.py [--profile dev|test] env
    python devstack/stack.py [--profile dev|test] reset-databases
    python devstack/stack.py [--profile dev|test] postgres-start      # only PostgreSQL and Redis (./glos test --fast)
    python devstack/stack.py [--profile dev|test] reset-kafka
    python devstack/stack.py [--profile dev|test] kafka-stop NODE [--kill]
    python devstack/stack.py [--profile dev|test] kafka-start NODE
    python devstack/stack.py [--profile dev|test|fault] kill COMPONENT       # kill -9, as a crash would
    python devstack/stack.py [--profile dev|test|fault] restart COMPONENT    # back, and answering

COMPONENT is redis, postgres, kafka-N, <service>-worker (the outbox relay and consumers) or
<service>-web-worker (one of gunicorn's workers, with whatever requests it is serving), <service> being
identity, proposals, voting, consultation or (web workers only) web.
"""

from __future__ import annotations

import argparse
import json
import os
import pwd
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEVSTACK = REPO / "devstack"
KAFKA_POM = DEVSTACK / "kafka" / "pom.xml"
SERVICES = ("identity", "proposals", "voting", "consultation")
# The web front end: no database, no worker, no migrations; a client of the four services' APIs.
WEB = "web"
# Databases that belong to no service: the chassis's own tests use "chassis".
EXTRA_DATABASES = ("chassis",)
PG_BIN = Path("/usr/lib/postgresql/15/bin")


def kafka_version() -> str:
    """The broker version is pinned once, in the POM that fetches it."""
    text = KAFKA_POM.read_text()
    return text.split("<kafka.version>")[1].split("</kafka.version>")[0].strip()


class StackError(RuntimeError):
    """A component could not be brought up; the message says which and why."""


@dataclass(frozen=True)
class Profile:
    name: str
    offset: int

    @property
    def state(self) -> Path:
        # /var/tmp is traversable by the postgres user, unlike a checkout under /root.
        base = os.environ.get("GLOS_STATE_DIR", "/var/tmp/glos")
        return Path(base) / self.name

    @property
    def gateway_port(self) -> int:
        return 8080 + self.offset

    @property
    def pg_port(self) -> int:
        return 5440 + self.offset

    @property
    def redis_port(self) -> int:
        return 6390 + self.offset

    def kafka_ports(self, node: int) -> tuple[int, int]:
        base = 9092 + self.offset + 2 * (node - 1)
        return base, base + 1

    @property
    def smtp_port(self) -> int:
        return 2525 + self.offset

    @property
    def mail_dir(self) -> Path:
        return self.state / "mail"

    def service_port(self, service: str) -> int:
        if service == WEB:
            return 8001 + self.offset + len(SERVICES)
        return 8001 + self.offset + SERVICES.index(service)

    def worker_metrics_port(self, service: str) -> int:
        """Where a service's worker serves its metrics (glos_chassis.metrics)."""
        return 9400 + self.offset + SERVICES.index(service)

    def bootstrap_servers(self, brokers: int) -> str:
        return ",".join(f"127.0.0.1:{self.kafka_ports(n)[0]}" for n in range(1, brokers + 1))

    def database_url(self, service: str) -> str:
        return f"postgresql+psycopg://{service}:{service}-dev-password@127.0.0.1:{self.pg_port}/glos_{service}"


# "fault" is for tests that need their own cluster (three Kafka nodes) beside the test stack.
PROFILES = {"dev": Profile("dev", 0), "test": Profile("test", 100), "fault": Profile("fault", 200)}


# --------------------------------------------------------------------------- processes


def _pidfile(p: Profile, name: str) -> Path:
    return p.state / "run" / f"{name}.pid"


def _start_time(pid: int) -> str | None:
    """The kernel's start time of a process: with the pid, it tells our process from a later one that
    happens to get the same pid after a reboot or a long time."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[19]
    except (OSError, IndexError):
        return None


def _running_pid(p: Profile, name: str) -> int | None:
    pidfile = _pidfile(p, name)
    if not pidfile.exists():
        return None
    try:
        pid_text, _, started = pidfile.read_text().strip().partition(" ")
        pid = int(pid_text)
        os.kill(pid, 0)
    except (ValueError, ProcessLookupError, PermissionError):
        pidfile.unlink(missing_ok=True)
        return None
    if started and _start_time(pid) != started:
        pidfile.unlink(missing_ok=True)  # the pid was reused by another process
        return None
    return pid


def _spawn(p: Profile, name: str, argv: list[str], user: str | None = None, env: dict | None = None) -> int:
    """Start a long-running process in its own session, log to the stack's log dir, record its pid."""
    logdir = p.state / "log"
    logdir.mkdir(parents=True, exist_ok=True)
    (p.state / "run").mkdir(parents=True, exist_ok=True)
    log = open(logdir / f"{name}.log", "ab")
    if user and os.geteuid() == 0:
        argv = ["runuser", "-u", user, "--", *argv]
    proc = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                            start_new_session=True, env=env)
    _pidfile(p, name).write_text(f"{proc.pid} {_start_time(proc.pid) or ''}")
    return proc.pid


def _stop_pid(p: Profile, name: str, sig: int = signal.SIGTERM, timeout: float = 30) -> bool:
    pid = _running_pid(p, name)
    if pid is None:
        return False
    try:
        os.killpg(pid, sig)  # the process and whatever it forked (runuser's child, nginx workers)
    except ProcessLookupError:
        pass
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            break
        # reap it if it is our own child (kafka-stop/kafka-start inside one test process)
        try:
            os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            pass
        time.sleep(0.1)
    else:
        os.killpg(pid, signal.SIGKILL)
    _pidfile(p, name).unlink(missing_ok=True)
    return True


def _wait_port(port: int, what: str, timeout: float = 60, pidname: tuple[Profile, str] | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as s:
            s.settimeout(0.5)
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        if pidname and _running_pid(*pidname) is None:
            raise StackError(f"{what} exited during start-up; see {pidname[0].state / 'log' / (pidname[1] + '.log')}")
        time.sleep(0.2)
    raise StackError(f"{what} did not open 127.0.0.1:{port} within {timeout:.0f}s")


# --------------------------------------------------------------------------- PostgreSQL


def _pg(p: Profile, *args: str, check: bool = True, db: str = "postgres") -> subprocess.CompletedProcess:
    argv = ["psql", "-h", str(p.state / "pg-socket"), "-p", str(p.pg_port), "-U", "postgres", "-d", db,
            "-v", "ON_ERROR_STOP=1", "-qAt", *args]
    if os.geteuid() == 0:
        argv = ["runuser", "-u", "postgres", "--", *argv]
    return subprocess.run(argv, check=check, capture_output=True, text=True)


def start_postgres(p: Profile) -> None:
    if not (PG_BIN / "postgres").exists():
        raise StackError(f"PostgreSQL 15 is not installed at {PG_BIN}; run ./glos setup")
    data = p.state / "pg"
    sock = p.state / "pg-socket"
    for d in (data, sock):
        d.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            shutil.chown(d, "postgres", "postgres")
    if not (data / "PG_VERSION").exists():
        argv = [str(PG_BIN / "initdb"), "-D", str(data), "-U", "postgres", "--auth-local=trust",
                "--auth-host=scram-sha-256", "-E", "UTF8", "--locale=C.UTF-8"]
        if os.geteuid() == 0:
            argv = ["runuser", "-u", "postgres", "--", *argv]
        subprocess.run(argv, check=True, capture_output=True)
    if _running_pid(p, "postgres") is None:
        _spawn(p, "postgres", [str(PG_BIN / "postgres"), "-D", str(data), "-p", str(p.pg_port),
                               "-c", "listen_addresses=127.0.0.1", "-c", f"unix_socket_directories={sock}",
                               "-c", "max_connections=300", "-c", "shared_buffers=256MB",
                               "-c", "fsync=on", "-c", "synchronous_commit=on"], user="postgres")
    _wait_port(p.pg_port, "PostgreSQL", pidname=(p, "postgres"))
    deadline = time.monotonic() + 30
    while _pg(p, "-c", "select 1", check=False).returncode != 0:
        if time.monotonic() > deadline:
            raise StackError("PostgreSQL accepts connections but does not answer queries")
        time.sleep(0.2)
    for name in SERVICES + EXTRA_DATABASES:
        _ensure_database(p, name)


def _ensure_database(p: Profile, svc: str) -> None:
    """One role and one database per service: no service can read another's tables."""
    password = f"{svc}-dev-password"
    _pg(p, "-c", f"""DO $$ BEGIN
        IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{svc}') THEN
          CREATE ROLE {svc} LOGIN PASSWORD '{password}';
        END IF; END $$;""")
    exists = _pg(p, "-c", f"SELECT 1 FROM pg_database WHERE datname = 'glos_{svc}'").stdout.strip()
    if not exists:
        _pg(p, "-c", f"CREATE DATABASE glos_{svc} OWNER {svc}")
        _pg(p, "-c", f"REVOKE ALL ON DATABASE glos_{svc} FROM PUBLIC")


def create_scratch_database(p: Profile, svc: str, name: str) -> str:
    """A new, empty database owned by a service's role (a service's own tests migrate it as the service would)."""
    _ensure_database(p, svc)
    drop_scratch_database(p, name)
    _pg(p, "-c", f"CREATE DATABASE {name} OWNER {svc}")
    _pg(p, "-c", f"REVOKE ALL ON DATABASE {name} FROM PUBLIC")
    return name


def drop_scratch_database(p: Profile, name: str) -> None:
    _pg(p, "-c", f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def reset_databases(p: Profile) -> None:
    """Drop and recreate every service database (tests start from empty schemas)."""
    for name in SERVICES + EXTRA_DATABASES:
        _pg(p, "-c", f"DROP DATABASE IF EXISTS glos_{name} WITH (FORCE)")
        _ensure_database(p, name)


# --------------------------------------------------------------------------- Redis


def start_redis(p: Profile) -> None:
    binary = shutil.which("redis-server")
    if not binary:
        raise StackError("redis-server is not installed; run ./glos setup")
    data = p.state / "redis"
    data.mkdir(parents=True, exist_ok=True)
    if _running_pid(p, "redis") is None:
        _spawn(p, "redis", [binary, "--port", str(p.redis_port), "--bind", "127.0.0.1", "--dir", str(data),
                            "--save", "", "--appendonly", "no", "--daemonize", "no", "--protected-mode", "yes"])
    _wait_port(p.redis_port, "Redis", pidname=(p, "redis"))


# --------------------------------------------------------------------------- Kafka


def kafka_libs() -> Path:
    """Jars fetched once from Maven Central and cached outside the work tree."""
    version = kafka_version()
    cache = Path(os.environ.get("GLOS_CACHE_DIR", Path.home() / ".cache" / "glos")) / f"kafka-{version}"
    libs = cache / "libs"
    marker = cache / ".complete"
    if marker.exists():
        return libs
    if not shutil.which("mvn"):
        raise StackError("Maven is not installed; run ./glos setup")
    print(f"fetching Kafka {version} from Maven Central into {libs} …", flush=True)
    libs.mkdir(parents=True, exist_ok=True)
    subprocess.run(["mvn", "-B", "-q", "-f", str(KAFKA_POM),
                    "org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy-dependencies",
                    "-DincludeScope=runtime", f"-DoutputDirectory={libs}"], check=True)
    marker.write_text(version)
    return libs


def _kafka_config(p: Profile, node: int, brokers: int) -> Path:
    port, cport = p.kafka_ports(node)
    ndir = p.state / f"kafka-{node}"
    ndir.mkdir(parents=True, exist_ok=True)
    voters = ",".join(f"{n}@127.0.0.1:{p.kafka_ports(n)[1]}" for n in range(1, brokers + 1))
    quorum = (f"controller.quorum.bootstrap.servers=127.0.0.1:{cport}" if brokers == 1
              else f"controller.quorum.voters={voters}")
    rf = 1 if brokers == 1 else 3
    props = f"""# written by devstack/stack.py for profile {p.name}, node {node} of {brokers}
process.roles=broker,controller
node.id={node}
{quorum}
listeners=PLAINTEXT://127.0.0.1:{port},CONTROLLER://127.0.0.1:{cport}
advertised.listeners=PLAINTEXT://127.0.0.1:{port}
controller.listener.names=CONTROLLER
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
log.dirs={ndir / 'data'}
num.partitions=1
num.network.threads=2
num.io.threads=2
background.threads=2
num.replica.fetchers=1
log.cleaner.threads=1
offsets.topic.replication.factor={rf}
offsets.topic.num.partitions=6
transaction.state.log.replication.factor={rf}
transaction.state.log.min.isr={1 if brokers == 1 else 2}
default.replication.factor={rf}
min.insync.replicas={1 if brokers == 1 else 2}
unclean.leader.election.enable=false
group.initial.rebalance.delay.ms=0
# fail over within seconds when a node dies (fault tests); defaults are 2 s / 9 s
broker.heartbeat.interval.ms=1000
broker.session.timeout.ms=4000
auto.create.topics.enable=false
share.coordinator.state.topic.replication.factor={rf}
share.coordinator.state.topic.min.isr={1 if brokers == 1 else 2}
"""
    cfg = ndir / "node.properties"
    cfg.write_text(props)
    return cfg


def _kafka_mode_file(p: Profile) -> Path:
    return p.state / "kafka-mode.json"


def kafka_brokers(p: Profile) -> int:
    f = _kafka_mode_file(p)
    return json.loads(f.read_text())["brokers"] if f.exists() else 1


def start_kafka(p: Profile, brokers: int = 1) -> None:
    if not shutil.which("java"):
        raise StackError("Java is not installed; run ./glos setup")
    libs = kafka_libs()
    mode = _kafka_mode_file(p)
    if mode.exists() and json.loads(mode.read_text())["brokers"] != brokers:
        # switching between one and three nodes: the storage formats differ, start over
        stop_kafka(p)
        for n in (1, 2, 3):
            shutil.rmtree(p.state / f"kafka-{n}", ignore_errors=True)
    p.state.mkdir(parents=True, exist_ok=True)
    mode.write_text(json.dumps({"brokers": brokers}))
    cluster_id_file = p.state / "kafka-cluster-id"
    if not cluster_id_file.exists() or not (p.state / "kafka-1" / "data" / "meta.properties").exists():
        cluster_id_file.write_text(_java_output(libs, "kafka.tools.StorageTool", "random-uuid").strip())
    cluster_id = cluster_id_file.read_text().strip()
    for node in range(1, brokers + 1):
        cfg = _kafka_config(p, node, brokers)
        if not (p.state / f"kafka-{node}" / "data" / "meta.properties").exists():
            args = ["format", "-t", cluster_id, "-c", str(cfg)]
            if brokers == 1:
                args.append("--standalone")
            _java_output(libs, "kafka.tools.StorageTool", *args)
    for node in range(1, brokers + 1):
        start_kafka_node(p, node)
    wait_for_kafka(p, brokers)


def _java_output(libs: Path, main: str, *args: str) -> str:
    out = subprocess.run(["java", "-Xmx256m", "-cp", f"{libs}/*", main, *args],
                         capture_output=True, text=True)
    if out.returncode != 0:
        raise StackError(f"{main} {' '.join(args)} failed: {out.stderr.strip() or out.stdout.strip()}")
    return out.stdout


def start_kafka_node(p: Profile, node: int) -> None:
    name = f"kafka-{node}"
    if _running_pid(p, name) is not None:
        return
    libs = kafka_libs()
    ndir = p.state / name
    logs = ndir / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    # The fault profile's brokers (three, started and killed by two tests beside the exclusive ones) run with the
    # JIT's first tier only: C2's compiling was half their CPU (the two tests alone: 103 CPU-s of broker time and
    # 164 s with it, 50 CPU-s and 128 s without). The test and dev brokers carry Katowice and the benchmarks, so
    # they keep the full JIT.
    jit = ["-XX:TieredStopAtLevel=1"] if p.name == "fault" else []
    _spawn(p, name, ["java", "-Xms256m", "-Xmx768m", "-XX:+UseG1GC", "-XX:MaxGCPauseMillis=20", *jit,
                     "-Djava.awt.headless=true", f"-Dkafka.logs.dir={logs}",
                     f"-Dlog4j2.configurationFile={DEVSTACK / 'kafka' / 'log4j2.yaml'}",
                     "-cp", f"{libs}/*", "kafka.Kafka", str(ndir / "node.properties")])


def stop_kafka_node(p: Profile, node: int, kill: bool = False) -> bool:
    return _stop_pid(p, f"kafka-{node}", signal.SIGKILL if kill else signal.SIGTERM, timeout=60)


def stop_kafka(p: Profile) -> None:
    # Signal every node first: stopped one by one, the last ones would lose the controller quorum and
    # wait out their controlled-shutdown timeouts.
    for node in (1, 2, 3):
        pid = _running_pid(p, f"kafka-{node}")
        if pid:
            os.killpg(pid, signal.SIGTERM)
    for node in (1, 2, 3):
        stop_kafka_node(p, node)


def reset_kafka(p: Profile) -> None:
    """Stop Kafka and forget its log: the test profile starts every run from an empty log, as on a fresh
    machine (otherwise every run's votes would stay, and a recount would replay all of them)."""
    stop_kafka(p)
    for node in (1, 2, 3):
        shutil.rmtree(p.state / f"kafka-{node}", ignore_errors=True)


def reset_logs(p: Profile) -> None:
    """Empty the profile's log files: a test run scans every log line for personal data, and logs kept from
    earlier runs (nginx's access log grows by hundreds of MB over a few load tests) would only slow it down.
    Truncated, not deleted: a process still writing keeps its file."""
    for path in (p.state / "log").glob("*.log"):
        with open(path, "r+b") as f:
            f.truncate(0)


def wait_for_kafka(p: Profile, brokers: int, timeout: float = 120) -> None:
    """Ready means the broker answers a metadata request with every node alive, not that a port is open."""
    for node in range(1, brokers + 1):
        _wait_port(p.kafka_ports(node)[0], f"Kafka node {node}", timeout=timeout, pidname=(p, f"kafka-{node}"))
    from kafka import KafkaAdminClient  # from the project's virtualenv

    deadline = time.monotonic() + timeout
    last_error: Exception | None = None
    while time.monotonic() < deadline:
        try:
            admin = KafkaAdminClient(bootstrap_servers=p.bootstrap_servers(brokers), request_timeout_ms=5000,
                                     client_id="glos-devstack")
            try:
                cluster = admin.describe_cluster()
                if len(cluster.get("brokers", [])) >= brokers:
                    return
            finally:
                admin.close()
        except Exception as exc:  # broker still starting: keep asking until the deadline
            last_error = exc
        time.sleep(0.5)
    raise StackError(f"Kafka did not report {brokers} live broker(s) within {timeout:.0f}s: {last_error}")


def create_topics(p: Profile, brokers: int) -> None:
    env = {**os.environ, **service_env(p, brokers)}
    subprocess.run([sys.executable, "-m", "glos_chassis.topics", "create",
                    "--replication-factor", str(1 if brokers == 1 else 3)], check=True, env=env)


# --------------------------------------------------------------------------- mail sink


def start_mail_sink(p: Profile) -> None:
    """The city's mail server is outside the platform; locally a sink keeps every message as a file."""
    if _running_pid(p, "mail-sink") is None:
        _spawn(p, "mail-sink", [sys.executable, str(DEVSTACK / "mail_sink.py"), "--port", str(p.smtp_port),
                                "--dir", str(p.mail_dir)])
    _wait_port(p.smtp_port, "the mail sink", pidname=(p, "mail-sink"))


# --------------------------------------------------------------------------- nginx


def render_gateway_config(p: Profile, *, name: str = "nginx", **overrides: str) -> Path:
    """Fill gateway/nginx.conf.template with this profile's ports and paths (`overrides`: other values, for a
    second gateway under state/`name` — the tests' HTTPS-entry one)."""
    template = (REPO / "gateway" / "nginx.conf.template").read_text()
    ndir = p.state / name
    (ndir / "tmp").mkdir(parents=True, exist_ok=True)
    user = pwd.getpwuid(os.geteuid()).pw_name
    values = {
        "NGINX_USER_DIRECTIVE": f"user {user};" if os.geteuid() == 0 else "",
        "PID_FILE": str(ndir / "nginx.pid"),
        "ERROR_LOG": str(p.state / "log" / "nginx-error.log"),
        "ACCESS_LOG": str(p.state / "log" / "nginx-access.log"),
        "TEMP_DIR": str(ndir / "tmp"),
        "LISTEN": f"127.0.0.1:{p.gateway_port}",
        "STATIC_ROOT": str(REPO / "web" / "static"),
        "INCLUDE_DIR": str(REPO / "gateway"),
        "MIME_TYPES": "/etc/nginx/mime.types",
        **{f"{svc.upper()}_UPSTREAM": f"127.0.0.1:{p.service_port(svc)}" for svc in SERVICES + (WEB,)},
        "HSTS": "",  # plain HTTP on loopback: no Strict-Transport-Security
        # a person's login limit; the test suite's three streams of logins all come from 127.0.0.1 (the flood
        # test still meets the limit: burst 10, then 429)
        "LOGIN_RATE": "10r/s" if p.name == "test" else "2r/s",
        **overrides,
    }
    for key, value in values.items():
        template = template.replace("${" + key + "}", value)
    if "${" in template:
        raise StackError("gateway/nginx.conf.template has a placeholder the stack does not fill")
    cfg = ndir / "nginx.conf"
    cfg.write_text(template)
    return cfg


def start_nginx(p: Profile) -> None:
    binary = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(binary).exists():
        raise StackError("nginx is not installed; run ./glos setup")
    cfg = render_gateway_config(p)
    (p.state / "log").mkdir(parents=True, exist_ok=True)
    test = subprocess.run([binary, "-t", "-q", "-c", str(cfg), "-e", str(p.state / "log" / "nginx-error.log")],
                          capture_output=True, text=True)
    if test.returncode != 0:
        raise StackError(f"nginx configuration rejected: {test.stderr.strip()}")
    if _running_pid(p, "nginx") is not None:
        subprocess.run([binary, "-c", str(cfg), "-e", str(p.state / "log" / "nginx-error.log"), "-s", "reload"],
                       check=True)
        return
    # `daemon off` keeps the master as our child so that its pid is the one we record
    _spawn(p, "nginx", [binary, "-c", str(cfg), "-e", str(p.state / "log" / "nginx-error.log"),
                        "-g", "daemon off;"])
    _wait_port(p.gateway_port, "nginx", pidname=(p, "nginx"))


# --------------------------------------------------------------------------- settings for services


def service_env(p: Profile, brokers: int | None = None) -> dict[str, str]:
    """Everything a service process of this profile needs in its environment."""
    brokers = brokers or kafka_brokers(p)
    env = {
        "GLOS_PROFILE": p.name,
        "KAFKA_BOOTSTRAP_SERVERS": p.bootstrap_servers(brokers),
        "REDIS_URL": f"redis://127.0.0.1:{p.redis_port}/0",
        "IDENTITY_JWKS_URL": f"http://127.0.0.1:{p.service_port('identity')}/.well-known/jwks.json",
        "TOKEN_ISSUER": "https://glos.local/identity",
        "TOKEN_AUDIENCE": "glos",
        "IDENTITY_KEY_PASSPHRASE": "dev-only-key-passphrase",
        # Development-only secrets; production values come from the secret store.
        "IDENTITY_PESEL_HASH_KEY": f"dev-only-pesel-hash-key-{p.name}",
        "IDENTITY_DATA_ENCRYPTION_KEY": "-vlm70HhRlrZYUJApbo92hfNq5ckLF4T9u-SC8b7ab0=",
        "IDENTITY_VOTER_KEY_SECRET": f"dev-only-voter-key-secret-{p.name}",
        "GATEWAY_URL": f"http://127.0.0.1:{p.gateway_port}",
        "PUBLIC_URL": f"http://127.0.0.1:{p.gateway_port}",
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": str(p.smtp_port),
        "MAIL_FROM": "Glos <noreply@glos.local>",
        "IDENTITY_EMAIL_TOKEN_SECRET": f"dev-only-email-token-secret-{p.name}",
    }
    if p.name == "test":
        # short lockouts, so that the tests can watch one expire
        env.update({"IDENTITY_LOCKOUT_BASE_S": "2", "IDENTITY_LOCKOUT_MAX_S": "6"})
    if p.name in ("test", "fault"):
        # the tests' accounts and logins hashed at argon2's lowest cost (identity_svc.service says why)
        env["IDENTITY_ARGON2_LOW_COST_FOR_TESTS"] = "1"
    for svc in SERVICES:
        env[f"{svc.upper()}_DATABASE_URL"] = p.database_url(svc)
        env[f"{svc.upper()}_PORT"] = str(p.service_port(svc))
        # the web front end calls each service directly, not through the gateway's per-address limits
        env[f"{svc.upper()}_API_URL"] = f"http://127.0.0.1:{p.service_port(svc)}"
    env["WEB_PORT"] = str(p.service_port(WEB))
    env["WEB_SECRET_KEY"] = f"dev-only-web-session-secret-{p.name}"
    return env


# --------------------------------------------------------------------------- Glos services

VENV_BIN = Path(sys.executable).parent


CITY_DISTRICTS = REPO / "devstack" / "city-districts.txt"


def start_services(p: Profile, services: tuple[str, ...] = SERVICES, timeout: float = 90) -> None:
    """Migrate each service's database, then run its web process (gunicorn) and its worker. Services already
    running were migrated when they started: then it only waits until each answers (every pytest session of a
    run asks for the services; five CLI processes each time cost ~10 CPU-seconds and, on a loaded machine, up
    to a minute)."""
    if all(_running_pid(p, name) for name in (*(f"{svc}-{part}" for svc in services for part in ("web", "worker")),
                                               f"{WEB}-web")):
        for svc in services + (WEB,):
            wait_ready(p, svc, timeout)
        return
    env = {**os.environ, **service_env(p), "PYTHONUNBUFFERED": "1"}
    for svc in services:
        migrate = subprocess.run([str(VENV_BIN / f"{svc}-svc"), "migrate"], env=env, capture_output=True, text=True)
        if migrate.returncode != 0:
            raise StackError(f"{svc}-svc migrations failed: {migrate.stderr.strip()[-2000:]}")
    if "identity" in services:
        # the dev and test city: Katowice's 22 districts (the demo's and the tests' real data); a city's office
        # keeps its own list (the console's district list, the street register)
        added = subprocess.run([str(VENV_BIN / "identity-svc"), "add-districts", str(CITY_DISTRICTS), "--reason",
                                "the dev and test stacks' city (Katowice)"], env=env, capture_output=True, text=True)
        if added.returncode != 0:
            raise StackError(f"identity-svc add-districts failed: {added.stderr.strip()[-2000:]}")
    for svc in services:
        if _running_pid(p, f"{svc}-web") is None:
            _spawn(p, f"{svc}-web", [str(VENV_BIN / "gunicorn"), "-c", str(REPO / f"{svc}-svc" / "gunicorn.conf.py"),
                                     f"{svc}_svc:create_app()"], env=env)
        if _running_pid(p, f"{svc}-worker") is None:
            start_worker(p, svc)
    if _running_pid(p, f"{WEB}-web") is None:
        _spawn(p, f"{WEB}-web", [str(VENV_BIN / "gunicorn"), "-c", str(REPO / "web" / "gunicorn.conf.py"),
                                 "glos_web:create_app()"], env=env)
    for svc in services + (WEB,):
        wait_ready(p, svc, timeout)


def services_running(p: Profile) -> bool:
    return all(_running_pid(p, name) for name in (*(f"{svc}-{part}" for svc in SERVICES for part in ("web", "worker")),
                                                  f"{WEB}-web"))


def start_worker(p: Profile, svc: str) -> int:
    # one worker per service here: a fixed instance id makes it a static member of its consumer groups, so a
    # restarted worker gets its partitions back at once (glos_chassis.worker.membership)
    env = {**os.environ, **service_env(p), "PYTHONUNBUFFERED": "1", "WORKER_INSTANCE_ID": f"{svc}-worker-1",
           "WORKER_METRICS_PORT": str(p.worker_metrics_port(svc))}
    return _spawn(p, f"{svc}-worker", [str(VENV_BIN / f"{svc}-svc"), "worker"], env=env)


def stop_worker(p: Profile, svc: str, kill: bool = False) -> bool:
    return _stop_pid(p, f"{svc}-worker", signal.SIGKILL if kill else signal.SIGTERM)


def wait_ready(p: Profile, svc: str, timeout: float = 90) -> None:
    import urllib.error
    import urllib.request

    url = f"http://127.0.0.1:{p.service_port(svc)}/ready"
    deadline = time.monotonic() + timeout
    last = "no answer"
    while time.monotonic() < deadline:
        if _running_pid(p, f"{svc}-web") is None:
            raise StackError(f"{svc}-svc exited during start-up; see {p.state / 'log' / (svc + '-web.log')}")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except urllib.error.HTTPError as exc:
            last = f"HTTP {exc.code}: {exc.read()[:300]!r}"
        except OSError as exc:
            last = str(exc)
        time.sleep(0.3)
    raise StackError(f"{svc}-svc not ready within {timeout:.0f}s ({last})")


def stop_services(p: Profile) -> None:
    _stop_pid(p, f"{WEB}-web")
    for svc in SERVICES:
        _stop_pid(p, f"{svc}-worker")
        _stop_pid(p, f"{svc}-web")


# --------------------------------------------------------------------------- rehearsing a failure

# What `kill` and `restart` take: one component of a running stack, found by the pid the stack recorded.
FAULT_COMPONENTS = ("redis", "postgres", "kafka-1", "kafka-2", "kafka-3",
                    *(f"{svc}-worker" for svc in SERVICES), *(f"{svc}-web-worker" for svc in (*SERVICES, WEB)))


def _children(pid: int) -> list[int]:
    try:
        return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def _web_master(p: Profile, component: str) -> int:
    master = _running_pid(p, component.removesuffix("-worker"))
    if master is None:
        raise StackError(f"{component.removesuffix('-web-worker')}'s web process is not running")
    return master


def kill_component(p: Profile, component: str) -> int:
    """kill -9 of one component, as a crash would do it; returns the pid killed. A web worker is one of the
    gunicorn master's workers (the master starts a new one, as it would after a crash)."""
    if component not in FAULT_COMPONENTS:
        raise StackError(f"no component {component!r}; one of: {', '.join(FAULT_COMPONENTS)}")
    if component.endswith("-web-worker"):
        workers = _children(_web_master(p, component))
        if not workers:
            raise StackError(f"{component}: the web process has no workers")
        (p.state / "run" / f"{component}.count").write_text(str(len(workers)))  # what `restart` waits for
        os.kill(workers[0], signal.SIGKILL)
        return workers[0]
    pid = _running_pid(p, component)
    if pid is None:
        raise StackError(f"{component} is not running")
    _stop_pid(p, component, signal.SIGKILL)
    return pid


def restart_component(p: Profile, component: str, timeout: float = 60) -> None:
    """Bring a killed component back, and wait until it answers (a web worker: until the master has replaced
    it; a broker: until the cluster has all its brokers again)."""
    if component == "redis":
        start_redis(p)
    elif component == "postgres":
        start_postgres(p)
    elif component.startswith("kafka-"):
        start_kafka_node(p, int(component.removeprefix("kafka-")))
        wait_for_kafka(p, kafka_brokers(p))
    elif component.endswith("-web-worker"):
        count_file = p.state / "run" / f"{component}.count"
        expected = int(count_file.read_text()) if count_file.exists() else 1
        deadline = time.monotonic() + timeout
        while len(_children(_web_master(p, component))) < expected:
            if time.monotonic() > deadline:
                raise StackError(f"{component}: gunicorn did not replace its worker within {timeout:.0f}s")
            time.sleep(0.1)
    elif component.endswith("-worker"):
        if _running_pid(p, component) is None:
            start_worker(p, component.removesuffix("-worker"))
    else:
        raise StackError(f"no component {component!r}; one of: {', '.join(FAULT_COMPONENTS)}")


# --------------------------------------------------------------------------- commands


def start(p: Profile, brokers: int = 1) -> None:
    p.state.mkdir(parents=True, exist_ok=True)
    start_postgres(p)
    start_redis(p)
    start_kafka(p, brokers)
    create_topics(p, brokers)
    start_mail_sink(p)
    start_nginx(p)


def stop(p: Profile) -> None:
    stop_services(p)
    for name in ("nginx", "redis", "mail-sink"):
        _stop_pid(p, name)
    stop_kafka(p)
    _stop_pid(p, "postgres", timeout=60)


def status(p: Profile) -> dict[str, int | None]:
    names = ["postgres", "redis", "nginx", "mail-sink"] + [f"kafka-{n}" for n in range(1, kafka_brokers(p) + 1)]
    return {name: _running_pid(p, name) for name in names}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--profile", choices=sorted(PROFILES), default=os.environ.get("GLOS_PROFILE", "dev"))
    sub = parser.add_subparsers(dest="command", required=True)
    s = sub.add_parser("start")
    s.add_argument("--brokers", type=int, choices=(1, 3), default=None)
    sub.add_parser("stop")
    sub.add_parser("status")
    sub.add_parser("env")
    sub.add_parser("reset-databases")
    sub.add_parser("postgres-start", help="only PostgreSQL (with the services' roles and databases) and Redis: "
                                          "the fast tests")
    sub.add_parser("reset-kafka", help="stop Kafka and delete its data (start formats it afresh)")
    sub.add_parser("reset-logs", help="empty the profile's log files")
    sub.add_parser("services-start")
    sub.add_parser("services-stop")
    sub.add_parser("gateway-config")
    ks = sub.add_parser("kafka-stop")
    ks.add_argument("node", type=int)
    ks.add_argument("--kill", action="store_true")
    kst = sub.add_parser("kafka-start")
    kst.add_argument("node", type=int)
    kill = sub.add_parser("kill", help="kill -9 one component (rehearse a failure): " + ", ".join(FAULT_COMPONENTS))
    kill.add_argument("component", choices=FAULT_COMPONENTS, metavar="COMPONENT")
    restart = sub.add_parser("restart", help="bring a killed component back and wait until it answers")
    restart.add_argument("component", choices=FAULT_COMPONENTS, metavar="COMPONENT")
    args = parser.parse_args(argv)
    p = PROFILES[args.profile]
    try:
        if args.command == "start":
            start(p, args.brokers or kafka_brokers(p))
            for name, pid in status(p).items():
                print(f"{name:10} pid {pid}")
        elif args.command == "stop":
            stop(p)
        elif args.command == "status":
            st = status(p)
            for name, pid in st.items():
                print(f"{name:10} {'pid ' + str(pid) if pid else 'stopped'}")
            return 0 if all(st.values()) else 3
        elif args.command == "env":
            for key, value in service_env(p).items():
                print(f"export {key}={shlex.quote(value)}")
        elif args.command == "services-start":
            start_services(p)
            print(f"services ready; gateway http://127.0.0.1:{p.gateway_port}/")
        elif args.command == "services-stop":
            stop_services(p)
        elif args.command == "postgres-start":
            p.state.mkdir(parents=True, exist_ok=True)
            start_postgres(p)
            start_redis(p)
        elif args.command == "reset-databases":
            reset_databases(p)
        elif args.command == "reset-kafka":
            reset_kafka(p)
        elif args.command == "reset-logs":
            reset_logs(p)
        elif args.command == "gateway-config":
            print(render_gateway_config(p))
        elif args.command == "kafka-stop":
            stop_kafka_node(p, args.node, kill=args.kill)
        elif args.command == "kafka-start":
            start_kafka_node(p, args.node)
            wait_for_kafka(p, kafka_brokers(p))
        elif args.command == "kill":
            print(f"{args.component}: killed pid {kill_component(p, args.component)}")
        elif args.command == "restart":
            restart_component(p, args.component)
            print(f"{args.component}: running")
    except StackError as exc:
        print(f"stack: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
