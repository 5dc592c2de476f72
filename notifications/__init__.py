"""Delivery of what the tracker has to say, with nothing lost: the outbox contract,
the channels (in-app, email, webhook) and the rq jobs that deliver outbox rows."""
