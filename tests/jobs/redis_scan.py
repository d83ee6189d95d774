"""Read everything stored in a Redis, decoding Celery's base64 message bodies, to search it."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Iterable, Iterator
from typing import Any


def _strings(value: Any) -> Iterator[str]:
    """Every string inside a JSON value, plus what any base64 string decodes to."""
    if isinstance(value, str):
        yield value
        try:
            decoded = base64.b64decode(value, validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError, ValueError):
            return
        yield decoded
        yield from _texts(decoded.encode())
    elif isinstance(value, dict):
        for k, v in value.items():
            yield str(k)
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)


def _texts(raw: bytes) -> Iterator[str]:
    text = raw.decode("utf-8", "replace")
    yield text
    try:
        doc = json.loads(text)
    except ValueError:
        return
    yield from _strings(doc)


def redis_texts(client: Any) -> Iterator[tuple[str, str]]:
    """(key, text) for every key and every value held, read with SCAN and DUMP/GET/LRANGE/…"""
    for key in client.scan_iter(count=500):
        name = key.decode("utf-8", "replace")
        yield name, name
        kind = client.type(key).decode()
        values: Iterable[bytes] = []
        try:
            dumped = client.dump(key)
            if dumped is not None:
                yield name, dumped.decode("utf-8", "replace")
            if kind == "string":
                values = [client.get(key) or b""]
            elif kind == "list":
                values = client.lrange(key, 0, -1)
            elif kind == "hash":
                values = [b for kv in client.hgetall(key).items() for b in kv]
            elif kind == "set":
                values = client.smembers(key)
            elif kind == "zset":
                values = client.zrange(key, 0, -1)
        except Exception:  # the key vanished between SCAN and the read
            continue
        for raw in values:
            for text in _texts(raw):
                yield name, text


def find_needles(client: Any, needles: Iterable[str]) -> tuple[list[tuple[str, str]], set[str]]:
    """(needle, key) for each personal detail found, and the keys seen."""
    wanted = {n.lower() for n in needles if n and len(n) >= 4}
    # A name with accents is written \\u-escaped inside JSON.
    wanted |= {json.dumps(n, ensure_ascii=True)[1:-1].lower() for n in wanted}
    hits: list[tuple[str, str]] = []
    keys: set[str] = set()
    for key, text in redis_texts(client):
        keys.add(key)
        lowered = text.lower()
        hits += [(n, key) for n in wanted if n in lowered]
    return hits, keys
