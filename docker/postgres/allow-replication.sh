#!/bin/sh
# Run once by the postgres image when the db volume is first initialised
# (/docker-entrypoint-initdb.d): lets the `replica` service of docker-compose.yml stream from
# this primary over the compose network with the database user's password.
set -e
echo "host replication $POSTGRES_USER all scram-sha-256" >> "$PGDATA/pg_hba.conf"
