"""docs/api.md, the integrator's guide, says true things (issue 14, item 6): every ```curl block
is replayed in order against the demo organisation, through the WSGI application as curl would
send it (method, URL, headers, body), and must answer the status its ``# → <status>`` line
states; ``NAME=.path`` on that line keeps a value of the JSON answer as ``$NAME`` for the next
blocks (the token, the id of what was created, its version)."""

import json
import re
import shlex
from pathlib import Path

import pytest
from django.test import Client

GUIDE = Path(__file__).resolve().parents[2] / "docs" / "api.md"
BLOCK = re.compile(r"^```curl\n(.*?)^```", re.S | re.M)
EXPECT = re.compile(r"^# → (\d{3})((?:\s+[A-Z_]+=\S+)*)\s*$", re.M)

pytestmark = pytest.mark.django_db


def blocks():
    found = []
    for text in BLOCK.findall(GUIDE.read_text(encoding="utf-8")):
        expect = EXPECT.search(text)
        assert expect, f"a curl block without its '# → <status>' line:\n{text}"
        command = EXPECT.sub("", text).replace("\\\n", " ").strip()
        captures = dict(item.split("=", 1) for item in expect.group(2).split())
        found.append((command, int(expect.group(1)), captures))
    return found


def _parse(command, variables):
    text = re.sub(r"\$\{?([A-Z_]+)\}?", lambda m: str(variables[m.group(1)]), command)
    words = shlex.split(text)
    assert words[0] == "curl", text
    method, url, headers, body = "GET", None, {}, None
    words = iter(words[1:])
    for word in words:
        if word == "-s":
            continue
        if word == "-X":
            method = next(words)
        elif word == "-H":
            name, value = next(words).split(":", 1)
            headers[name.strip()] = value.strip()
        elif word in ("-d", "--data", "--data-raw"):
            body = next(words)
            method = "POST" if method == "GET" else method
        elif word.startswith("-"):
            raise AssertionError(f"the replay does not know curl's {word}: {text}")
        else:
            url = word
    return method, url, headers, body


def _pick(data, path):
    for part in re.findall(r"\.(\w+)|\[(\d+)\]", path):
        data = data[part[0]] if part[0] else data[int(part[1])]
    return data


def test_every_curl_example_of_the_guide_answers_as_it_says():
    examples = blocks()
    assert len(examples) >= 10
    client = Client()
    variables = {"PORTAL": ""}
    for command, status, captures in examples:
        method, url, headers, body = _parse(command, variables)
        meta = {f"HTTP_{name.upper().replace('-', '_')}": value for name, value in headers.items()
                if name.lower() != "content-type"}
        response = client.generic(method, url, data=(body or "").encode(),
                                  content_type=headers.get("Content-Type", "application/octet-stream"), **meta)
        assert response.status_code == status, (command, response.status_code, response.content[:600])
        if captures:
            answer = json.loads(response.content)
            json.dumps(answer)  # the answer is JSON
            for name, path in captures.items():
                variables[name] = _pick(answer, path)


def test_the_guide_is_linked_from_the_docs():
    readme = (GUIDE.parents[1] / "README.md").read_text(encoding="utf-8")
    assert "docs/api.md" in readme
