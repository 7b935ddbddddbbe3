"""Work done once when the current transaction commits, however many saves in it ask for it.

A receiver calls `pending_on_commit(name, make)` on every save it hears of. The first call in
a transaction makes the callback (`make()`, a `Pending`), keeps it on the connection under
`name` and registers it with `transaction.on_commit`; later calls in the same transaction get
the same one back, to add to. A transaction that rolls back drops its callbacks, and one that
has run is done: either way the next call starts afresh. Outside a transaction there is
nothing to wait for, and the caller acts at once (None).

Used by timelines.queue (one refresh task per transaction) and intake.directory_names (one
new directory version per transaction).
"""

from collections.abc import Callable

from django.db import transaction


class Pending:
    """A transaction's callback, called once when it commits; subclasses say what it does."""

    ran = False

    def __call__(self):
        self.ran = True
        self.run()

    def run(self) -> None:
        raise NotImplementedError


def pending_on_commit(
    name: str, make: Callable[[], Pending], *, using: str | None = None, robust: bool = False
) -> Pending | None:
    """The current transaction's callback kept under `name`; None outside a transaction."""
    connection = transaction.get_connection(using)
    if not connection.in_atomic_block:
        return None
    pending = getattr(connection, name, None)
    if pending is None or pending.ran or not any(callback is pending for _, callback, _ in connection.run_on_commit):
        pending = make()
        setattr(connection, name, pending)
        transaction.on_commit(pending, using=using, robust=robust)
    return pending
