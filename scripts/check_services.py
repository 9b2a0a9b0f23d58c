"""Say plainly when the PostgreSQL or Redis the second test run needs is not there."""

import sys

import psycopg
import redis


def main(database_url, redis_url):
    try:
        psycopg.connect(database_url.replace("postgres://", "postgresql://", 1), connect_timeout=5).close()
    except psycopg.Error as error:
        sys.exit(f"PostgreSQL is not reachable at {database_url} ({error}). Start it, or set TEST_DATABASE_URL.")
    try:
        redis.Redis.from_url(redis_url, socket_connect_timeout=5).ping()
    except redis.RedisError as error:
        sys.exit(f"Redis is not reachable at {redis_url} ({error}). Start it, or set TEST_REDIS_URL.")


if __name__ == "__main__":
    main(*sys.argv[1:3])
