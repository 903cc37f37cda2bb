"""The README's promises: its two commands, and its example queries' answers, checked against the API."""

import json
import re

import pytest
from graphql import GraphQLEnumType
from starlette.testclient import TestClient

from resolvers.errors import ErrorCode
from schema import graphql_schema
from seeds.vocabulary import controlled_fields, markdown
from settings import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")
# A query block directly followed by an answer block; a query shown without an answer is left alone.
EXAMPLES = re.findall(r"```graphql\n((?:(?!```).)*)```\s*```json\n((?:(?!```).)*)```", README, flags=re.DOTALL)


def test_the_readme_opens_with_the_serve_and_test_commands():
    commands = re.search(r"```sh\n(.*?)```", README, flags=re.DOTALL)
    assert commands is not None
    assert [line.split("#")[0].strip() for line in commands.group(1).splitlines()] == ["make serve", "make test"]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "make test" in ci


@pytest.mark.one_page
@pytest.mark.parametrize(("document", "answer"), EXAMPLES, ids=[f"example-{n}" for n in range(len(EXAMPLES))])
def test_each_readme_example_gets_the_answer_shown(document: str, answer: str, client: TestClient):
    response = client.post("/graphql", json={"query": document}).json()
    assert {key: response[key] for key in json.loads(answer)} == json.loads(answer)


def test_the_readme_has_examples():
    assert len(EXAMPLES) >= 3


def test_the_readme_lists_every_vocabulary_as_cli_py_vocabulary_prints_it():
    block = re.search(r"<!-- vocabulary: .*? -->\n(.*)<!-- /vocabulary -->", README, flags=re.DOTALL)
    assert block is not None
    assert block.group(1) == markdown()


def test_each_vocabulary_is_the_schema_s_enum_with_the_same_meanings():
    for vocabulary in controlled_fields():
        enum = graphql_schema._schema.get_type(vocabulary.__name__)  # strawberry keeps graphql-core's schema there
        assert isinstance(enum, GraphQLEnumType), vocabulary
        served = {name: (value.value, value.description) for name, value in enum.values.items()}
        assert served == {member.name: (member.value, member.description) for member in vocabulary}


def test_the_error_catalogue_lists_every_code_the_api_gives():
    catalogue = README[README.index("### Error catalogue") :]
    catalogue = catalogue[: catalogue.index("\n\n", catalogue.index("| ---"))]
    listed = set(re.findall(r"`([A-Z_]{5,})`", "\n".join(line.split("|")[1] for line in catalogue.splitlines()[3:])))
    assert listed == {code.value for code in ErrorCode}
