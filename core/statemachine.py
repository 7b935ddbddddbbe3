"""A status machine defined once as a table of allowed transitions."""

from collections.abc import Iterable, Mapping

from django.core.exceptions import ValidationError


class StaleEdit(Exception):
    """An edit was made against a version of a record that has since changed."""

    def __init__(self, *, model_name: str, expected: int, current: int):
        self.expected = expected
        self.current = current
        super().__init__(
            f"This {model_name} was changed by someone else (your version {expected}, now {current}); "
            "reload it and make your change again."
        )


class StatusMachine:
    def __init__(self, *, name: str, choices, transitions: Mapping[str, Iterable[str]]):
        self.name = name
        self.labels = dict(choices)
        self.transitions = {source: frozenset(targets) for source, targets in transitions.items()}
        unknown = {s for pair in self.transitions.items() for s in (pair[0], *pair[1])} - set(self.labels)
        if unknown:
            raise ValueError(f"{name} transitions name unknown statuses: {sorted(unknown)}")

    def allowed_targets(self, current: str) -> list[str]:
        """Targets reachable from `current`, in the order the statuses are declared."""
        targets = self.transitions.get(current, frozenset())
        return [status for status in self.labels if status in targets]

    def check(self, current: str, target: str) -> None:
        if target not in self.labels:
            raise ValidationError({"to_status": f"{target!r} is not a known {self.name} status."})
        if target not in self.transitions.get(current, frozenset()):
            allowed = ", ".join(self.labels[s] for s in self.allowed_targets(current)) or "none (it is final)"
            raise ValidationError(
                {
                    "to_status": f"A {self.name} cannot go from {self.labels[current]} to {self.labels[target]}. "
                    f"Allowed from {self.labels[current]}: {allowed}."
                }
            )


def forward_along(line: list[str]) -> dict[str, set[str]]:
    """Each status on a main line may move to any later one: reports often skip steps."""
    return {status: set(line[i + 1 :]) for i, status in enumerate(line)}
