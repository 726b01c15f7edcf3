"""Executors run stages; they know nothing of what a stage does.

``local`` runs in this process. ``ray`` (optional extra) runs the same stages
as Ray Data batched maps; it is imported only when asked for.
"""

from __future__ import annotations

from ..errors import Errors, UsageError

ENGINES = ("local", "ray")


def get_executor(engine: str = "local", **options):  # noqa: ANN003, ANN201
    if engine == "local":
        from .local import LocalExecutor

        return LocalExecutor(**options)
    if engine == "ray":
        from .ray import RayExecutor  # noqa: PLC0415 - ray is optional and heavy

        return RayExecutor(**options)
    raise UsageError(Errors.E007, engine=engine, choices=", ".join(ENGINES))
