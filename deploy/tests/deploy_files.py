"""Reading the deployment files the way Docker and Compose would, for the checks in test_deploy_files.py."""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
DOCKERFILE = ROOT / "deploy" / "Dockerfile"
COMPOSE_FILE = ROOT / "docker-compose.yml"
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))


@dataclass(frozen=True)
class Instruction:
    keyword: str
    arguments: str
    line: int


def dockerfile_instructions(text: str) -> list[Instruction]:
    """Instructions with continuation lines joined and comments dropped."""
    instructions: list[Instruction] = []
    pending = ""
    start = 0
    for number, raw in enumerate(text.splitlines(), start=1):
        stripped = raw.strip()
        if not pending and (not stripped or stripped.startswith("#")):
            continue
        if not pending:
            start = number
        if stripped.startswith("#"):
            continue
        if stripped.endswith("\\"):
            pending += stripped[:-1] + " "
            continue
        whole = pending + stripped
        pending = ""
        keyword, _, arguments = whole.partition(" ")
        instructions.append(Instruction(keyword.upper(), arguments.strip(), start))
    return instructions


def copy_sources(instruction: Instruction) -> list[str]:
    """The context paths a COPY reads; empty for COPY --from=<stage> (those come from another stage)."""
    words = shlex.split(instruction.arguments)
    options = [word for word in words if word.startswith("--")]
    if any(option.startswith("--from=") for option in options):
        return []
    paths = [word for word in words if not word.startswith("--")]
    return paths[:-1]


def stage_names(instructions: list[Instruction]) -> list[str]:
    names = []
    for instruction in instructions:
        if instruction.keyword == "FROM":
            match = re.search(r"\bAS\s+(\S+)", instruction.arguments, re.IGNORECASE)
            if match:
                names.append(match.group(1))
    return names


def exec_form(arguments: str) -> list[str]:
    """["a", "b"] of CMD/ENTRYPOINT/HEALTHCHECK CMD, or the words of a shell form."""
    arguments = arguments.strip()
    if arguments.startswith("["):
        return list(yaml.safe_load(arguments))
    return shlex.split(arguments)


def compose() -> dict[str, Any]:
    loaded = yaml.safe_load(COMPOSE_FILE.read_text())
    assert isinstance(loaded, dict)
    return loaded


def command_words(command: Any) -> list[str]:
    if isinstance(command, str):
        return shlex.split(command)
    return [str(word) for word in command]


def manage_commands_in(words: list[str]) -> list[str]:
    """Management commands run by `python manage.py <command>` in a word list (also inside `sh -c` strings)."""
    found = []
    for index, word in enumerate(words):
        if word == "manage.py" and index + 1 < len(words):
            found.append(words[index + 1])
        elif " " in word:
            found += manage_commands_in(shlex.split(word))
    return found


def project_files_in(words: list[str]) -> list[str]:
    """Words that name a file of this repository (deploy/..., manage.py)."""
    return [word for word in words if word == "manage.py" or re.fullmatch(r"deploy/[\w./-]+\.\w+", word)]
