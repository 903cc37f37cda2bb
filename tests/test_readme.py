"""The README's promises: its two commands, and its example queries' answers, checked against the API."""

import json
import re

import pytest
from starlette.testclient import TestClient

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


@pytest.mark.parametrize(("document", "answer"), EXAMPLES, ids=[f"example-{n}" for n in range(len(EXAMPLES))])
def test_each_readme_example_gets_the_answer_shown(document: str, answer: str, client: TestClient):
    response = client.post("/graphql", json={"query": document}).json()
    assert {key: response[key] for key in json.loads(answer)} == json.loads(answer)


def test_the_readme_has_examples():
    assert len(EXAMPLES) >= 3
