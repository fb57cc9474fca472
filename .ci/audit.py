"""Audit the locked requirements with pip-audit; fail on any known vulnerability.

Usage: python .ci/audit.py PIP_AUDIT requirements.txt [requirements-dev.txt ...]

pip-audit asks PyPI's JSON API (or OSV) about each pinned version. Where neither can be
reached (a machine behind a registry mirror), every package comes back "skipped": that is
reported loudly but does not fail the run, unless AUDIT_REQUIRED=1 is set, because it says
nothing about the packages. Any vulnerability found always fails it.
"""

import json
import os
import subprocess
import sys


def audit(pip_audit, requirements):
    result = subprocess.run(
        [
            pip_audit,
            "--disable-pip",
            "--require-hashes",
            "--progress-spinner=off",
            "-r",
            requirements,
            "-f",
            "json",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    try:
        return json.loads(result.stdout)["dependencies"]
    except (json.JSONDecodeError, KeyError):
        sys.stderr.write(result.stderr)
        raise SystemExit(
            f"pip-audit could not audit {requirements} (exit {result.returncode})"
        ) from None


def main(pip_audit, *lock_files):
    found, audited, skipped = [], set(), set()
    for requirements in lock_files:
        for dependency in audit(pip_audit, requirements):
            name = f"{dependency['name']} {dependency.get('version', '')}".strip()
            if "skip_reason" in dependency:
                skipped.add(name)
                continue
            audited.add(name)
            for vuln in dependency.get("vulns", []):
                fixes = ", ".join(vuln.get("fix_versions", [])) or "no fix yet"
                found.append(f"{name}: {vuln['id']} (fixed in {fixes})")
    print(f"pip-audit: {len(audited)} packages audited, {len(skipped - audited)} skipped")
    if found:
        print("Known vulnerabilities in the locked requirements:")
        print("\n".join(f"  {line}" for line in sorted(set(found))))
        return 1
    if skipped and not audited:
        print(
            "WARNING: no vulnerability data could be reached from this machine (PyPI's JSON "
            "API and OSV), so nothing was audited. Set AUDIT_REQUIRED=1 to fail instead."
        )
        return 1 if os.environ.get("AUDIT_REQUIRED") == "1" else 0
    if skipped - audited:
        print("Not audited: " + ", ".join(sorted(skipped - audited)))
    print("No known vulnerabilities.")
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
