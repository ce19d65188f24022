"""The machinery behind scripts/services.py, one module per concern: `common` (paths, ports,
processes, system users, data dirs), `java` (JDK choice, Maven downloads into the cache),
`postgres`, `search` (Elasticsearch and OpenSearch), `s3` (s3proxy) and `state` (the records
in .services/, reuse, stopping, env files and the lock). Standard library only."""
