"""The request pipeline: what happens to an operation between its parsed document and its answer.

`STEPS` are strawberry schema extensions, in the order each operation meets them:

1. parsing, with its cache;
2. `OperationChoice`: which operation of the document runs, and a coded error if that is unclear;
3. validation, kept by text (`KeptValidation`);
4. `Limits`: depth, aliases, tokens, string lengths and the cost model, each refusal coded;
5. `Turns`: costly operations take turns at the admission gate;
6. `Coordinates`: an argument a resolver refused is named by its schema coordinate, `Type.field(argument:)`;
7. `CompiledReads`: the compiled path answers what it can plan, else graphql-core executes it;
8. `KeptIntrospection`: what the compiled path leaves and asks only about the schema is answered as it was
   last time.

Errors are classified and masked by `pipeline.errors`, whatever step raised them.

A text the compiled path has answered is prepared (`pipeline.prepared`): its next request skips parsing,
the operation's choice and validation, and strawberry's per-request machinery, and pays only the steps that
depend on its variables and the data (limits, cost, the plan's run).
"""

from collections.abc import Callable
from typing import Any

from strawberry.extensions import ParserCache

from pipeline.compiled import CompiledReads
from pipeline.coordinates import Coordinates
from pipeline.introspection import KeptIntrospection
from pipeline.limits import Limits
from pipeline.operation import OperationChoice
from pipeline.turns import Turns
from pipeline.validation import KeptValidation

STEPS: list[Callable[[], Any] | type] = [
    lambda: ParserCache(maxsize=256),
    OperationChoice,
    KeptValidation,
    Limits,
    Turns,
    Coordinates,
    CompiledReads,
    KeptIntrospection,
]
