#!/usr/bin/env python3
"""Runs the `run:` steps of one job of the workflow in docs/ci.md, here, as the Actions runner would.

The workflow is the YAML block between `<!-- BEGIN WORKFLOW ... -->` and `<!-- END WORKFLOW -->`.
Each `run:` step of --job is written to a file and run with `bash --noprofile --norc -eo pipefail`
(the runner's `shell: bash`) in the current directory (the checkout), with the workflow's, the
job's and the step's `env:` (a value holding a `${{ }}` expression is left out, and said so),
GITHUB_ACTIONS=true, GITHUB_EVENT_NAME from --event, and GITHUB_STEP_SUMMARY, GITHUB_OUTPUT and
GITHUB_PATH files (taken from the environment when set, else temporary). A line a step appends to
GITHUB_PATH is put on PATH for the later steps, as the runner does. The first failing step ends
the job with its status.

Not run, and said so on stderr: `uses:` steps, and the steps named by --skip-step (by id). Refused
(exit 3): a `run:` step with an `if:` or a `${{ }}` expression in its script, or another shell;
this script evaluates no expressions, so it would not run such a step the way the runner does.

--rangectl BINARY puts a `rangectl` on PATH that runs BINARY; with --offline it adds `--offline`
to every `rangectl plan`, for machines without an engine.

Usage: scripts/run-workflow-steps.py --job plan [--doc docs/ci.md] [--event push] [--skip-step build]
                                     [--rangectl .build/debug/rangectl [--offline]] [--env NAME=VALUE]...
"""
import argparse
import os
import pathlib
import re
import shlex
import subprocess
import sys
import tempfile

import yaml

ROOT = pathlib.Path(__file__).resolve().parent.parent


def note(text):
    print(f"run-workflow-steps: {text}", file=sys.stderr, flush=True)


def workflow(doc):
    text = pathlib.Path(doc).read_text(encoding="utf-8")
    m = re.search(r"<!-- BEGIN WORKFLOW[^>]*-->\s*```yaml\n(.*?)```\s*<!-- END WORKFLOW -->", text, re.S)
    if not m:
        sys.exit(f"run-workflow-steps: no workflow between BEGIN WORKFLOW and END WORKFLOW markers in {doc}")
    return yaml.safe_load(m.group(1))


def plain_env(mapping, where):
    out = {}
    for k, v in (mapping or {}).items():
        if "${{" in str(v):
            note(f"{where} env {k} is an expression; left out")
            continue
        out[str(k)] = str(v)
    return out


def rangectl_wrapper(binary, offline, directory):
    path = directory / "rangectl"
    real = shlex.quote(str(pathlib.Path(binary).resolve()))
    lines = ["#!/bin/sh", "# rangectl for run-workflow-steps.py"]
    if offline:
        lines += ["# No engine here: plan runs --offline.",
                  f'if [ "$1" = plan ]; then shift; exec {real} plan --offline "$@"; fi']
    lines.append(f'exec {real} "$@"')
    path.write_text("\n".join(lines) + "\n")
    path.chmod(0o755)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--doc", default=str(ROOT / "docs/ci.md"))
    p.add_argument("--job", required=True)
    p.add_argument("--event", default="push")
    p.add_argument("--skip-step", action="append", default=[], metavar="ID")
    p.add_argument("--rangectl", metavar="BINARY")
    p.add_argument("--offline", action="store_true")
    p.add_argument("--env", action="append", default=[], metavar="NAME=VALUE")
    args = p.parse_args()

    wf = workflow(args.doc)
    job = (wf.get("jobs") or {}).get(args.job)
    if job is None:
        sys.exit(f"run-workflow-steps: no job {args.job!r} in {args.doc}")
    shell = ((wf.get("defaults") or {}).get("run") or {}).get("shell")
    overrides = dict(e.split("=", 1) for e in args.env)

    with tempfile.TemporaryDirectory(prefix="run-workflow-steps-") as tmp:
        tmp = pathlib.Path(tmp)
        env = dict(os.environ)
        env.update(plain_env(wf.get("env"), "workflow"))
        env.update(plain_env(job.get("env"), f"job {args.job}"))
        env.update({"GITHUB_ACTIONS": "true", "CI": "true", "GITHUB_EVENT_NAME": args.event,
                    "GITHUB_WORKSPACE": os.getcwd()})
        for name in ["GITHUB_STEP_SUMMARY", "GITHUB_OUTPUT", "GITHUB_PATH"]:
            if not os.environ.get(name):
                env[name] = str(tmp / name.lower())
            pathlib.Path(env[name]).touch()
        if args.rangectl:
            bin_dir = tmp / "bin"
            bin_dir.mkdir()
            rangectl_wrapper(args.rangectl, args.offline, bin_dir)
            env["PATH"] = f"{bin_dir}:{env.get('PATH', '')}"
        env.update(overrides)

        for i, step in enumerate(job.get("steps") or []):
            name = step.get("name") or step.get("uses") or f"step {i + 1}"
            if "run" not in step:
                note(f"not run: {name} (uses: {step.get('uses')})")
                continue
            if step.get("id") in args.skip_step:
                note(f"skipped: {name} (id {step.get('id')})")
                continue
            if "if" in step or "${{" in step["run"]:
                note(f"refused: {name} has an expression this script does not evaluate")
                return 3
            if step.get("shell", shell) != "bash":
                note(f"refused: {name} does not run with shell: bash")
                return 3
            script = tmp / f"step-{i + 1}.sh"
            script.write_text(step["run"])
            step_env = dict(env)
            step_env.update(plain_env(step.get("env"), f"step {name}"))
            step_env.update(overrides)
            seen_paths = pathlib.Path(env["GITHUB_PATH"]).read_text().splitlines()
            status = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)], env=step_env).returncode
            added = pathlib.Path(env["GITHUB_PATH"]).read_text().splitlines()[len(seen_paths):]
            for d in added:
                env["PATH"] = f"{d}:{env['PATH']}"
            if status != 0:
                note(f"failed: {name} (exit {status})")
                return status
    return 0


if __name__ == "__main__":
    sys.exit(main())
