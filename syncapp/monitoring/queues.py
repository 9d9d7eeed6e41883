"""How many tasks wait in each Celery queue: the length of its Redis list(s).

The queues watched are the kinds of work syncapp/core/queues.py lists (one queue
each), so a kind added there is counted without a change here.
"""

import redis
from celery import current_app
from kombu.transport import redis as kombu_redis

from syncapp.core import queues

TIMEOUT_S = 2  # a scrape must answer even when the broker does not


def watched_queues() -> list[str]:
    """The name of every kind's queue, as this installation prefixes them."""
    return sorted(queues.queue_name(kind) for kind in queues.KINDS)


def _list_keys(name: str, options: dict) -> list[str]:
    """The Redis lists of queue `name`: one per priority step, named as kombu's Redis
    transport names them (Channel._q_for_pri), under its global key prefix."""
    prefix = options.get("global_keyprefix", "")
    steps = options.get("priority_steps", kombu_redis.PRIORITY_STEPS)
    separator = options.get("sep", kombu_redis.Channel.sep)
    return [f"{prefix}{name}"] + [f"{prefix}{name}{separator}{step}" for step in steps if step]


def queue_depths() -> dict[str, int]:
    """{queue name: tasks waiting}; raises redis' ConnectionError when the broker is down."""
    conf = current_app.conf
    options = conf.broker_transport_options or {}
    names = watched_queues()
    client = redis.Redis.from_url(conf.broker_url, socket_connect_timeout=TIMEOUT_S,
                                  socket_timeout=TIMEOUT_S)
    try:
        with client.pipeline(transaction=False) as pipe:
            for name in names:
                for key in _list_keys(name, options):
                    pipe.llen(key)
            lengths = iter(pipe.execute())
    finally:
        client.close()
    return {name: sum(next(lengths) for _ in _list_keys(name, options)) for name in names}
