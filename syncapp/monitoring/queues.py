"""How many tasks wait in each Celery queue: the length of its Redis list(s).

The queues watched are the ones Celery's settings name (CELERY_TASK_DEFAULT_QUEUE,
CELERY_TASK_QUEUES and the queues of CELERY_TASK_ROUTES), so a queue added there is
counted without a change here.
"""

import redis
from celery import current_app
from kombu.transport import redis as kombu_redis

TIMEOUT_S = 2  # a scrape must answer even when the broker does not


def watched_queues() -> list[str]:
    """The names of every queue the settings route tasks to."""
    conf = current_app.conf
    names = {conf.task_default_queue}
    names.update(getattr(queue, "name", queue) for queue in conf.task_queues or ())
    routes = conf.task_routes or ()
    for table in [routes] if isinstance(routes, dict) else routes:
        if not isinstance(table, dict):
            continue  # a router function: its queues cannot be known in advance
        for route in table.values():
            queue = route.get("queue") if isinstance(route, dict) else None
            if queue is not None:
                names.add(getattr(queue, "name", queue))
    return sorted(names)


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
