"""A cache that answers like django-redis with IGNORE_EXCEPTIONS while Redis is down."""

from django.core.cache.backends.base import BaseCache


class UnreachableCache(BaseCache):
    def __init__(self, location=None, params=None):
        super().__init__(params or {})

    def add(self, key, value, timeout=None, version=None):
        return None

    def get(self, key, default=None, version=None):
        return default

    def set(self, key, value, timeout=None, version=None):
        return None

    def incr(self, key, delta=1, version=None):
        return None

    def delete(self, key, version=None):
        return None

    def clear(self):
        return None
