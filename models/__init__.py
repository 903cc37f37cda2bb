"""The tables and the kinds of entity they hold.

Importing this package imports every module in it, so every table is registered on
`SQLModel.metadata` and every kind in `models.entity.ENTITIES`: a new module joins by being here.
"""

import importlib
import pkgutil

from sqlmodel import SQLModel

metadata = SQLModel.metadata

for _module in sorted(module.name for module in pkgutil.iter_modules(__path__)):
    importlib.import_module(f"{__name__}.{_module}")


__all__ = ["metadata"]
