"""Delivery of what the tracker has to say, with nothing lost: the outbox contract, the
channels (in-app inbox, e-mail over SMTP, signed webhooks), the delivery of one outbox row
and the rq jobs that run it.

Dependencies point one way: this package knows the outbox tables (`tracker.models.outbox`)
and nothing else of the tracker; who receives a row and where a unit's webhook goes come
from a `Directory` the application gives it.
"""
